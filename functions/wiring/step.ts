import middy from "@middy/core";
import { now } from "../aws/clock.js";
import { renewLock } from "../aws/deploy-lock.js";
import { classifyAwsError } from "../aws/errors.js";
import { readDeployState, type DeployState } from "./deploy-state.js";

/**
 * Wraps one deploy step for Lambda: parses the state, logs one line per run, and gives AWS
 * errors the names the state machine retries on.
 */
export function deployStep<R>(step: string, run: (state: DeployState) => Promise<R>) {
  return middy(async (event: unknown) => {
    const state = readDeployState(event);
    await keepLock(state);
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

/**
 * Every step of a deploy that holds its app/env lock renews the lease, so the lock outlives any
 * deploy that is alive and frees itself soon after one that died.
 */
async function keepLock(state: DeployState): Promise<void> {
  const lock = state.lock;
  if (lock?.outcome !== "acquired" || state.outcome) return;
  const held = await renewLock({ app: state.input.app, env: state.input.env, holder: lock.holder, now: now(), leaseSeconds: lock.leaseSeconds });
  if (!held) console.warn(JSON.stringify({ warning: "deploy lock lost", app: state.input.app, env: state.input.env, holder: lock.holder }));
}

function log(step: string, state: DeployState | undefined, result: unknown): void {
  if (process.env.GANTRY_QUIET === "1") return;
  const summary = (result as { summary?: unknown } | undefined)?.summary;
  const line = {
    step,
    ...(state ? { app: state.input.app, env: state.input.env, release: state.input.release?.id ?? state.input.mode } : {}),
    ...(summary ? { summary } : { result }),
  };
  console.log(JSON.stringify(line));
}
