import type { Strategy } from "../config/input.js";
import type { RolloutPlan } from "./plan.js";

/** The seed's promise for a small group: a whole deploy in under five minutes. */
export const FIVE_MINUTES = 300;

/** One batch's waits on the way through, in the order they come, in seconds. */
export interface BatchPath {
  drain: number;
  command: number;
  healthy: number;
  bake: number;
}

/** How long an in-place deploy takes at the least, from the waits it cannot avoid. */
export interface CriticalPath {
  perBatch: BatchPath;
  batches: number;
  totalSeconds: number;
  /** The deploy command's own time, as strategy.inPlace.expectedSeconds says: gantry cannot know it. */
  assumedCommandSeconds: number;
  fitsFiveMinutes: boolean;
}

/** `seconds` rounded up to the poll: a check that finds it not yet done waits a whole poll. */
function polled(seconds: number, pollSeconds: number): number {
  return seconds <= 0 ? 0 : Math.ceil(seconds / pollSeconds) * pollSeconds;
}

/**
 * The critical path of an in-place deploy: per batch the deregistration delay, the deploy
 * command (its expected time, seen at the next poll), the health checks a registered target
 * needs before it is healthy (interval × threshold, seen at the next poll) and the bake. Each
 * Lambda step adds about half a second more; a batch's steps are a dozen or so.
 */
export function inPlaceCriticalPath(plan: Pick<RolloutPlan, "batchCount" | "drainSeconds" | "healthyAfterSeconds">, strategy: Strategy): CriticalPath {
  const poll = strategy.pollSeconds;
  const perBatch: BatchPath = {
    drain: plan.drainSeconds,
    command: polled(strategy.inPlace.expectedSeconds, poll),
    healthy: polled(plan.healthyAfterSeconds, poll),
    bake: strategy.bakeSeconds,
  };
  const batchSeconds = perBatch.drain + perBatch.command + perBatch.healthy + perBatch.bake;
  const totalSeconds = batchSeconds * plan.batchCount;
  return {
    perBatch,
    batches: plan.batchCount,
    totalSeconds,
    assumedCommandSeconds: strategy.inPlace.expectedSeconds,
    fitsFiveMinutes: totalSeconds < FIVE_MINUTES,
  };
}

/** "critical path 3 × (drain 10 + command 15 + healthy 10 + bake 20) = 165 s, under 5 minutes (command assumed 15 s)". */
export function describeCriticalPath(path: CriticalPath): string {
  const { drain, command, healthy, bake } = path.perBatch;
  const verdict = path.fitsFiveMinutes ? "under 5 minutes" : "over 5 minutes";
  return `critical path ${path.batches} × (drain ${drain} + command ${command} + healthy ${healthy} + bake ${bake}) = ${path.totalSeconds} s, ${verdict} (command assumed ${path.assumedCommandSeconds} s: strategy.inPlace.expectedSeconds)`;
}
