import middy from "@middy/core";
import { classifyAwsError } from "./errors.js";

/**
 * Wraps one power step for Lambda: one log line per run (its summary), and AWS errors given
 * the names the state machine retries on.
 */
export function powerStep<R extends { summary?: string }>(step: string, run: (event: unknown) => Promise<R>) {
  return middy(async (event: unknown) => {
    const result = await run(event);
    log({ step, summary: result.summary });
    return result;
  }).use({
    onError: (request) => {
      request.error = classifyAwsError(request.error) as Error;
      log({ step, error: request.error?.name, message: request.error?.message });
    },
  });
}

function log(line: Record<string, unknown>): void {
  if (process.env.GANTRY_QUIET === "1") return;
  console.log(JSON.stringify(line));
}
