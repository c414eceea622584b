import { isHeld, type LockState } from "../lock/lock.js";

/**
 * How long a push registered as the newest waiter can still be waiting: the 12 h a rollout may
 * take. A push registers only once its deploy window (if any) is open, so the window's wait is not
 * part of this. A waiter older than that died without taking its turn, and a cycle no longer gives
 * way to it.
 */
export const WAITER_LIFETIME_MS = 12 * 3_600_000;

/**
 * What a cycle run does with the app/env lock: take it (or keep it, on a retry of its own
 * step), or skip the run. The write that must succeed for the answer to stand: `extend` its own
 * lease, or `take` a free lock while `newest` is still what was read (`seenNewest`).
 */
export type CycleLockDecision =
  { outcome: "acquired"; write: "extend" } | { outcome: "acquired"; write: "take"; seenNewest: string | undefined } | { outcome: "skipped"; reason: string };

/**
 * A cycle never waits and never gets in a deploy's way. It takes the lock only when nobody
 * holds it and no push is queued for it, and it takes it without registering as the newest
 * job: deploys order themselves by `newest`, and a cycle there would make every push received
 * before it look superseded.
 */
export function decideCycleLock(state: LockState | undefined, holder: string, now: number): CycleLockDecision {
  if (state?.holder === holder) return { outcome: "acquired", write: "extend" };
  if (isHeld(state, now) && state?.holder !== undefined) {
    return { outcome: "skipped", reason: `${state.holder} holds the lock` };
  }
  const waiter = queuedPush(state, now);
  if (waiter !== undefined) return { outcome: "skipped", reason: `${waiter} is queued for the lock` };
  return { outcome: "acquired", write: "take", seenNewest: state?.newest };
}

/**
 * The push queued for the app/env's lock, if one is: the newest registered job when it is
 * neither the holder nor the last holder (it has not had its turn), and registered less than
 * WAITER_LIFETIME_MS ago. A cycle run skips when there is one, and a running cycle stops after
 * its current batch for it: a push must not wait hours behind routine replacement.
 */
export function queuedPush(state: LockState | undefined, now: number): string | undefined {
  const waiter = state?.newest;
  const waiting = waiter !== undefined && waiter !== state?.holder && waiter !== state?.lastHolder;
  return waiting && (state?.newestSeq ?? 0) > now - WAITER_LIFETIME_MS ? waiter : undefined;
}
