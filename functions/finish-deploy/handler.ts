import { now } from "../aws/clock.js";
import { endWaitingTurn, releaseLock } from "../aws/lock/deploy-lock.js";
import { finishRelease } from "../aws/releases/release-history.js";
import { pointCurrent, releaseStoreConfigured } from "../aws/releases/release-store.js";
import { GantryError } from "../core/errors.js";
import { currentAfter } from "../core/releases/current.js";
import { deployStep } from "../wiring/step.js";

/**
 * "Release the deploy lock": every way an execution ends passes here. It records how a numbered
 * release ended (deployed, rolled back, failed) and frees the app/env for the next push. The
 * lock is freed by execution name, not only when `$.lock` says it was taken: a lock step that
 * acquired the lock and then failed for good left no `$.lock`, and the lock must not wait out
 * its lease. Both writes are conditional and idempotent, so a retry is harmless.
 *
 * With a release store it first points `<app>/<env>/current` at what now runs: the deployed
 * release, or after a rollback the release the group went back to. Every ending passes here, so
 * this is the one place `current` changes, and only once the group is known to run that
 * release. A pointer that cannot be written (a permissions fault) is reported in the output and
 * does not keep the lock; throttling is thrown for the state's Retry.
 */
export const handler = deployStep("finish-deploy", async (state) => {
  const { input, lock, outcome, execution } = state;
  // A cycle run is not a release: however it ended, it writes nothing to the release history.
  const cycle = input.mode === "cycle";
  const status = outcome?.status;
  const releaseStatus = !cycle && (status === "deployed" || status === "rolled back" || status === "failed") ? status : undefined;
  const pointTo = !cycle && lock?.outcome === "acquired" ? currentAfter(releaseStatus, input.release?.id, state.plan?.previousRelease) : undefined;
  let current: { releaseId: string } | { error: string; cause: string } | undefined;
  if (pointTo && releaseStoreConfigured()) {
    try {
      await pointCurrent(input.app, input.env, pointTo);
      current = { releaseId: pointTo };
    } catch (error) {
      if (!(error instanceof GantryError) || error.transient) throw error;
      current = { error: error.name, cause: error.message };
    }
  }
  if (lock?.outcome === "acquired" && outcome && releaseStatus) {
    await finishRelease({
      app: input.app,
      env: input.env,
      execution: lock.holder,
      status: releaseStatus,
      finishedAt: new Date(now()).toISOString(),
      ...(outcome.cause ? { cause: outcome.cause } : {}),
    });
  }
  const holder = lock?.holder ?? execution?.name;
  const released = holder ? await releaseLock({ app: input.app, env: input.env, holder, cycle }) : false;
  // A push that ends without having held the lock may still be registered as the newest waiter.
  if (holder && !released && !cycle) await endWaitingTurn({ app: input.app, env: input.env, holder });
  const what = lock?.label ? `${lock.label} ${outcome?.status ?? "ended"}` : `${cycle ? "cycle run" : "execution"} ${outcome?.status ?? "ended"}`;
  const pointer = current === undefined ? "" : "releaseId" in current ? `; current is ${current.releaseId}` : `; current NOT updated: ${current.cause}`;
  return {
    released,
    ...(current ? { current } : {}),
    summary: `${what}; ${input.app}/${input.env} ${released ? "unlocked" : "was not locked by this execution"}${pointer}`,
  };
});
