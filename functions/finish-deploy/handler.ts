import { now } from "../aws/clock.js";
import { endWaitingTurn, releaseLock } from "../aws/lock/deploy-lock.js";
import { finishRelease } from "../aws/releases/release-history.js";
import { pointCurrent, releaseStoreConfigured } from "../aws/releases/release-store.js";
import { GantryError } from "../core/errors.js";
import { currentAfter } from "../core/releases/current.js";
import { deployStep } from "../wiring/step.js";
import { clearUnfinishedRollout } from "../aws/rollout/unfinished.js";
import type { DeployState } from "../wiring/deploy-state.js";

/** Endings that leave the group not as the rollout promised: its record stays for `gantry recover`. */
const UNFINISHED_ENDINGS = new Set(["RollbackFailed", "FinishIncomplete"]);

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
  // A recovery ends the release of the execution it repaired, if that one had a number.
  const cycle = input.mode === "cycle";
  const recovering = input.mode === "recover";
  const numbered = releaseOwner(state);
  const status = outcome?.status;
  const releaseStatus = numbered && (status === "deployed" || status === "rolled back" || status === "failed") ? status : undefined;
  const pointTo = numbered ? currentAfter(releaseStatus, numbered.releaseId, state.plan?.previousRelease) : undefined;
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
  if (numbered && outcome && releaseStatus) {
    await finishRelease({
      app: input.app,
      env: input.env,
      execution: numbered.execution,
      status: releaseStatus,
      finishedAt: new Date(now()).toISOString(),
      ...(outcome.cause ? { cause: outcome.cause } : {}),
    });
  }
  const holder = lock?.holder ?? execution?.name;
  const finished = wholeRollout(state);
  if (finished) await clearUnfinishedRollout(input.app, input.env, finished);
  // A recovery, like a cycle run, never queued as a push: it leaves the push order as it was.
  const released = holder ? await releaseLock({ app: input.app, env: input.env, holder, cycle: cycle || recovering }) : false;
  // A push that ends without having held the lock may still be registered as the newest waiter.
  if (holder && !released && !cycle && !recovering) await endWaitingTurn({ app: input.app, env: input.env, holder });
  const what = recovering
    ? `recovery of ${state.recovery?.execution ?? "nothing"} ${outcome?.recovered ? `done (${outcome.status})` : "ended"}`
    : lock?.label
      ? `${lock.label} ${outcome?.status ?? "ended"}`
      : `${cycle ? "cycle run" : "execution"} ${outcome?.status ?? "ended"}`;
  const pointer = current === undefined ? "" : "releaseId" in current ? `; current is ${current.releaseId}` : `; current NOT updated: ${current.cause}`;
  return {
    released,
    ...(current ? { current } : {}),
    summary: `${what}; ${input.app}/${input.env} ${released ? "unlocked" : "was not locked by this execution"}${pointer}`,
  };
});

/**
 * Whose numbered release this ending finishes: a deploy's own once it held the lock; a
 * recovery's, the release of the execution it repaired. None for cycle runs.
 */
function releaseOwner(state: DeployState): { execution: string; releaseId: string } | undefined {
  const { input, lock, recovery } = state;
  if (input.mode === "recover") {
    return recovery?.found && recovery.label && recovery.release && state.outcome?.recovered
      ? { execution: recovery.execution, releaseId: recovery.release }
      : undefined;
  }
  if (input.mode === "cycle" || lock?.outcome !== "acquired" || !input.release) return undefined;
  return { execution: lock.holder, releaseId: input.release.id };
}

/**
 * The execution whose rollout record goes, its group being whole: this deploy's own unless its
 * ending left the group unfinished; for a recovery, the execution it repaired once it has.
 */
function wholeRollout(state: DeployState): string | undefined {
  const { input, lock, outcome, recovery } = state;
  if (input.mode === "recover") return outcome?.recovered ? recovery?.execution : undefined;
  if (lock?.outcome !== "acquired" || UNFINISHED_ENDINGS.has(outcome?.error ?? "")) return undefined;
  return lock.holder;
}
