/**
 * The deploy lock's decisions, apart from DynamoDB: one job per app/env at a time, and the
 * newest push wins. Jobs are ordered by `seq` (a later push has a larger one), ties broken by
 * holder name, so any two jobs compare the same way everywhere.
 */

/** A job that wants the lock: its execution name and its place in push order. */
export interface LockContender {
  holder: string;
  seq: number;
}

/** The lock as stored. `newest` is the newest job ever registered, holder or waiter. */
export interface LockState {
  holder?: string;
  holderSeq?: number;
  /** Epoch milliseconds; a lease that ended before `now` counts as free. */
  leaseUntil?: number;
  newest?: string;
  newestSeq?: number;
  /** The last holder that released, so a display can tell a finished newest from a waiting one. */
  lastHolder?: string;
}

/**
 * What `acquireLock` answers, and the write that must succeed for the answer to stand:
 * `extend` the caller's own lease, `take` a free lock, `register` the caller as newest waiter.
 */
export type AcquireDecision =
  { outcome: "acquired"; write: "extend" | "take" } | { outcome: "wait"; heldBy: string; write: "register" | "none" } | { outcome: "superseded"; by: string };

/**
 * True when `a` comes after `b` in push order. Names compare by UTF-16 code unit, which equals
 * DynamoDB's byte order for the ASCII characters execution names are made of.
 */
export function isNewer(a: LockContender, b: LockContender): boolean {
  return a.seq > b.seq || (a.seq === b.seq && a.holder > b.holder);
}

/** True when someone holds the lock and their lease has not run out at `now`. */
export function isHeld(state: LockState | undefined, now: number): boolean {
  return state?.holder !== undefined && (state.leaseUntil ?? 0) >= now;
}

/** The newest registered job, when it is someone other than `caller` and comes after it. */
function newerThan(state: LockState | undefined, caller: LockContender): string | undefined {
  if (state?.newest === undefined || state.newest === caller.holder) return undefined;
  return isNewer({ holder: state.newest, seq: state.newestSeq ?? 0 }, caller) ? state.newest : undefined;
}

/**
 * Decides an acquire from the stored lock. A holder asking again keeps the lock (Step
 * Functions retries the step), unless its lease ran out and a newer push is waiting for it.
 * Anyone older than the newest registered job is superseded, even when that job has already
 * deployed and released: deploying an older push after a newer one would roll the fleet back.
 * Otherwise a live holder means wait (as the newest waiter) and a free or expired lock is taken.
 */
export function decideAcquire(state: LockState | undefined, caller: LockContender, now: number): AcquireDecision {
  const held = isHeld(state, now);
  const newer = newerThan(state, caller);
  if (state?.holder === caller.holder && (held || newer === undefined)) return { outcome: "acquired", write: "extend" };
  if (newer !== undefined) return { outcome: "superseded", by: newer };
  if (held && state?.holder !== undefined) {
    return { outcome: "wait", heldBy: state.holder, write: state.newest === caller.holder ? "none" : "register" };
  }
  return { outcome: "acquired", write: "take" };
}

/** The lock as people see it in `gantry status`. */
export interface LockView {
  holder?: { holder: string; seq: number; leaseUntil: number; expired: boolean };
  /** The newest push waiting for the lock, if it has not had its turn yet. */
  waiter?: LockContender;
}

/** What the stored lock means at `now`: who holds it, and who is next. */
export function describeLock(state: LockState | undefined, now: number): LockView {
  const view: LockView = {};
  if (state?.holder !== undefined) {
    const leaseUntil = state.leaseUntil ?? 0;
    view.holder = { holder: state.holder, seq: state.holderSeq ?? 0, leaseUntil, expired: leaseUntil < now };
  }
  if (state?.newest !== undefined && state.newest !== state.holder && state.newest !== state.lastHolder) {
    view.waiter = { holder: state.newest, seq: state.newestSeq ?? 0 };
  }
  return view;
}
