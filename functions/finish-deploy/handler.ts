import { now } from "../aws/clock.js";
import { endWaitingTurn, releaseLock } from "../aws/lock/deploy-lock.js";
import { finishRelease } from "../aws/releases/release-history.js";
import { deployStep } from "../wiring/step.js";

/**
 * "Release the deploy lock": every way an execution ends passes here. It records how a numbered
 * release ended (deployed, rolled back, failed) and frees the app/env for the next push. The
 * lock is freed by execution name, not only when `$.lock` says it was taken: a lock step that
 * acquired the lock and then failed for good left no `$.lock`, and the lock must not wait out
 * its lease. Both writes are conditional and idempotent, so a retry is harmless.
 */
export const handler = deployStep("finish-deploy", async (state) => {
  const { input, lock, outcome, execution } = state;
  // A cycle run is not a release: however it ended, it writes nothing to the release history.
  const cycle = input.mode === "cycle";
  const status = outcome?.status;
  const releaseStatus = !cycle && (status === "deployed" || status === "rolled back" || status === "failed") ? status : undefined;
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
  return { released, summary: `${what}; ${input.app}/${input.env} ${released ? "unlocked" : "was not locked by this execution"}` };
});
