import { POWER_LOCK_LEASE_SECONDS } from "../../core/power/power.js";
import { acquireLockIfFree, releaseLock } from "../lock/deploy-lock.js";

/** An app/env whose deploy lock a stop takes. */
export interface PowerLock {
  app: string;
  env: string;
}

export type UnderLocks<T> = { outcome: "done"; value: T } | { outcome: "skipped"; reason: string };

/**
 * Runs `work` holding every lock in `locks`, or skips it when one is held or a push is queued
 * for it. Taken like a cycle's (acquireLockIfFree): never waits, never registers as the newest
 * job, and is released without becoming `lastHolder`, so a push queued meanwhile neither gets
 * superseded nor looks as if it had its turn. Released whatever `work` does; if the release
 * itself never happens (the Lambda dies), the short lease frees the lock. A retry of the step
 * runs under the same holder, which gets its own lock back.
 */
export async function underPowerLocks<T>(locks: readonly PowerLock[], holder: string, now: number, work: () => Promise<T>): Promise<UnderLocks<T>> {
  const taken: PowerLock[] = [];
  let failure: { error: unknown } | undefined;
  let result: UnderLocks<T> | undefined;
  try {
    for (const { app, env } of locks) {
      const answer = await acquireLockIfFree({ app, env, holder, seq: now, now, leaseSeconds: POWER_LOCK_LEASE_SECONDS });
      if (answer.outcome === "skipped") {
        result = { outcome: "skipped", reason: `${answer.reason} of ${app}/${env}` };
        break;
      }
      taken.push({ app, env });
    }
    result ??= { outcome: "done", value: await work() };
  } catch (error) {
    failure = { error };
  }
  await releaseAll(taken, holder, failure);
  if (failure) throw failure.error;
  return result as UnderLocks<T>;
}

/** Releases every lock taken; a release that fails is thrown unless `work` already failed (its error matters more). */
async function releaseAll(taken: readonly PowerLock[], holder: string, failure: { error: unknown } | undefined): Promise<void> {
  let releaseError: { error: unknown } | undefined;
  for (const { app, env } of [...taken].reverse()) {
    try {
      await releaseLock({ app, env, holder, cycle: true });
    } catch (error) {
      releaseError ??= { error };
    }
  }
  if (releaseError && !failure) throw releaseError.error;
}
