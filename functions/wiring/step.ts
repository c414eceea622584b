import middy from "@middy/core";
import { classifyAwsError } from "../aws/errors.js";
import { readDeployState, type DeployState } from "./deploy-state.js";

/**
 * Wraps one deploy step for Lambda: parses the state, logs one line per run, and gives AWS
 * errors the names the state machine retries on.
 */
export function deployStep<R>(step: string, run: (state: DeployState) => Promise<R>) {
  return middy(async (event: unknown) => {
    const state = readDeployState(event);
    const result = await run(state);
    log(step, state, result);
    return result;
  }).use({
    onError: (request) => {
      request.error = classifyAwsError(request.error) as Error;
      log(step, undefined, { error: request.error?.name, message: request.error?.message });
    },
  });
}

function log(step: string, state: DeployState | undefined, result: unknown): void {
  if (process.env.GANTRY_QUIET === "1") return;
  const summary = (result as { summary?: unknown } | undefined)?.summary;
  const line = {
    step,
    ...(state ? { app: state.input.app, env: state.input.env, release: state.input.release.id } : {}),
    ...(summary ? { summary } : { result }),
  };
  console.log(JSON.stringify(line));
}
