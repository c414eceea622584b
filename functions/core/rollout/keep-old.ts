import { ageSeconds, formatAge } from "../cycle/cycle-age.js";
import type { CaughtFailure } from "./rollback.js";

/**
 * The rollback window after a successful rollout (`strategy.keepOldFor`): the old instances stay
 * in Standby, the lock held, so a rollback needs no launch: it brings them back and removes the
 * new ones. Finish rollout checks about 120 times over the window, every 15 s to 5 min: a 12 h
 * window then writes some 700 history events, far under the 25,000 an execution may have.
 */
export const KEEP_OLD_POLL_SECONDS = { min: 15, max: 300, passes: 120 } as const;

function pollSeconds(windowSeconds: number): number {
  return Math.min(KEEP_OLD_POLL_SECONDS.max, Math.max(KEEP_OLD_POLL_SECONDS.min, Math.round(windowSeconds / KEEP_OLD_POLL_SECONDS.passes)));
}

/** The longest window: the deploy lock and the old instances' cost are held all along. */
export const KEEP_OLD_MAX_SECONDS = 12 * 3_600;

/** Why `text` is not a usable keepOldFor, in words that follow the value ("is …"). */
export function keepOldForProblem(text: string): string | undefined {
  const seconds = ageSeconds(text);
  if (seconds === undefined) return 'is not a duration such as "30m" or "2h" (a whole number of minutes, hours or days)';
  if (seconds > KEEP_OLD_MAX_SECONDS) return "is longer than the maximum of 12h: the deploy lock is held all the while; use 12h or less";
  return undefined;
}

export function keepOldSeconds(text: string | undefined): number {
  return text === undefined ? 0 : (ageSeconds(text) ?? 0);
}

/** What Finish rollout does with the old instances now: keep them (until when), or let them go. */
export type KeepOldDecision = { keep: true; until: number; waitSeconds: number } | { keep: false };

/**
 * Keeps the old instances while the window that opened at `openedAt` (epoch ms, the first Finish
 * rollout pass) lasts. `parked` is how many are in Standby: with none there is nothing to keep.
 */
export function decideKeepOld(keepOldFor: string | undefined, openedAt: number, now: number, parked: number): KeepOldDecision {
  const windowSeconds = keepOldSeconds(keepOldFor);
  const until = openedAt + windowSeconds * 1000;
  if (parked === 0 || now >= until) return { keep: false };
  return { keep: true, until, waitSeconds: Math.max(1, Math.min(pollSeconds(windowSeconds), Math.ceil((until - now) / 1000))) };
}

/** The failure a rollback inside the window records as its reason (its cause names who asked). */
export function rollbackRequested(by: string, at: number, reason: string | undefined, keepOldFor: string | undefined): CaughtFailure {
  const window = keepOldFor ? ` inside the ${formatAge(keepOldSeconds(keepOldFor))} window after the last batch` : "";
  return { Error: "RollbackRequestedError", Cause: `Rollback requested by ${by} at ${new Date(at).toISOString()}${window}${reason ? `: ${reason}` : ""}` };
}

/**
 * Old instances in Standby beyond what `strategy.standbyBatches` keeps once `batch` (0-based) has
 * passed its gate: the count that may stay is the size of the last K batches.
 */
export function standbyExcess(batchSizes: readonly number[], batch: number, standbyBatches: number | undefined, parked: number): number {
  if (standbyBatches === undefined) return 0;
  const kept = batchSizes.slice(Math.max(0, batch - standbyBatches + 1), batch + 1).reduce((sum, size) => sum + size, 0);
  return Math.max(0, parked - kept);
}
