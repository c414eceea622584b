import type { Strategy } from "../config/input.js";
import { approvalTimeoutSeconds } from "../rollout/approvals.js";

/**
 * How long a deploy's hold on its app/env lock lasts without renewal. Every step renews it, so
 * it must outlast the longest gap between two steps (a bake, a launch timeout, a poll) with room
 * to spare; a holder that died frees the lock after this long.
 */
export function leaseSecondsFor(strategy: Strategy): number {
  const longestGap = Math.max(strategy.bakeSeconds, strategy.pollSeconds, strategy.launchTimeoutSeconds, strategy.healthTimeoutSeconds);
  // No step runs while a checkpoint waits for its answer: the lease outlasts the wait.
  const approvalWait = strategy.approveAfter ? approvalTimeoutSeconds(strategy.approvalTimeout) + 900 : 0;
  return Math.max(900, 2 * longestGap, approvalWait);
}

/** How long a queued deploy waits before asking for the lock again. */
export const LOCK_POLL_SECONDS = 30;
