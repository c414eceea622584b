import { DeployAbortedError, RolloutDeadlineError } from "../errors.js";
import type { OperatorRequest } from "./requests.js";

/**
 * How long a rollout may run, from its plan to its last batch, before gantry rolls it back: the
 * 12 h Step Functions gives a rollout. The deploy machine's own timeout is longer (a push may wait
 * days for its deploy window), and a timeout never reaches a Catch, so the forward steps enforce
 * this one themselves.
 */
export const ROLLOUT_DEADLINE_SECONDS = 12 * 3_600;

/** The error that stops a run a person asked to abort (or roll back), or undefined when the request is not that. */
export function abortFor(request: OperatorRequest, execution: string): DeployAbortedError | undefined {
  if ((request.kind !== "abort" && request.kind !== "rollback") || request.execution !== execution) return undefined;
  const why = request.reason ? `: ${request.reason}` : "";
  // A rollback asked for while the rollout still runs is an abort: stop, and go back.
  const asked = request.kind === "abort" ? "Aborted" : "Rollback requested";
  return new DeployAbortedError(`${asked} by ${request.by} at ${new Date(request.at).toISOString()}${why}`);
}

/** Throws once the rollout planned at `startedAt` has run past its deadline at `now` (epoch ms). */
export function enforceRolloutDeadline(startedAt: number, now: number): void {
  const ranSeconds = Math.floor((now - startedAt) / 1000);
  if (ranSeconds <= ROLLOUT_DEADLINE_SECONDS) return;
  throw new RolloutDeadlineError(
    `The rollout has run ${formatHours(ranSeconds)} since its plan (${new Date(startedAt).toISOString()}), past its deadline of ${formatHours(ROLLOUT_DEADLINE_SECONDS)}: gantry rolls it back rather than let it run on. Look at the batch it was on for what held it.`,
  );
}

function formatHours(seconds: number): string {
  const hours = Math.floor(seconds / 3_600);
  const minutes = Math.floor((seconds % 3_600) / 60);
  return `${hours} h ${String(minutes).padStart(2, "0")} min`;
}
