import { RollbackIncompleteError, RollbackTimeoutError } from "../errors.js";
import { describeFleet, isServing, launchedSince, type FleetView, type ObservedInstance } from "../fleet.js";
import type { Strategy } from "../config/input.js";
import type { InPlaceBatch } from "./in-place.js";
import type { RolloutPlan } from "./plan.js";
import { withinSpare } from "./retirees.js";
import { recoveredCause, type RecoveredRollout } from "./unfinished.js";

/** Where a rollback stands (`$.rollback` in the execution). */
export interface RollbackProgress {
  startedAt: number;
  stage: "restore" | "remove-new" | "in-place" | "done";
  done: boolean;
  waitSeconds: number;
  summary: string;
  /** What the last pass saw; when it changes the rollback is moving. */
  signature?: string;
  /** Since when nothing has moved; the deadline counts from here. */
  stalledSince?: number;
  /** Once done: the plain-words cause the execution fails with. */
  cause?: string;
  /** In-place rollbacks: the batch being put back on the previous release, which batch that is, and when it began. */
  inPlace?: InPlaceBatch;
  inPlaceRound?: number;
  batchStartedAt?: number;
}

/**
 * What one rollback pass asks `aws/` to do, in this order: terminations first (they free target
 * group slots and never cost serving capacity), then exits and relaunches.
 */
export interface RollbackActions {
  terminate: string[];
  raiseMaxTo?: number;
  exitStandby: string[];
  setDesired?: number;
  restoreMaxTo?: number;
  resume: string[];
}

export interface RollbackPass {
  stage: RollbackProgress["stage"];
  actions: RollbackActions;
  /** How long what this pass started takes to show: health checks after exits, draining after terminations. */
  settleSeconds?: number;
  /** Counts that change whenever the rollback makes progress. */
  signature: string;
  waitReason?: string;
}

/** Terminations per pass: keeps one Lambda run well inside its timeout and the API rate. */
export const TERMINATIONS_PER_PASS = 250;

const SETTLED_TARGET_STATES = new Set(["healthy", "unhealthy"]);

/** An instance leaving Standby is Pending for a few seconds before it registers again. */
const EXIT_STANDBY_SECONDS = 5;

/**
 * One pass of the rollback, derived from the group as it is now. New instances that serve
 * nothing go at once; old instances come back from Standby (or are relaunched) in waves no
 * that keep the instances above the starting capacity within `plan.rollbackWave`, the room the
 * target groups have;
 * serving new instances go as soon as old ones serve in their place, so serving capacity stays
 * at its starting level. Once only old instances remain: MaxSize restored, processes resumed.
 * Each pass asks only for what is still missing, so passes can repeat safely.
 *
 * `size` is the group's size to end at: the size it started at, or larger where it scaled out
 * by itself during the deploy (`rollbackSize`). The extra instances come back on the old
 * release, relaunched once the old ones are back from Standby.
 */
export function decideRollback(plan: RolloutPlan, view: FleetView, size: number = plan.baseline.desiredCapacity): RollbackPass {
  const actions: RollbackActions = { terminate: [], exitStandby: [], resume: [] };
  const group = view.group;
  const oldTarget = plan.toReplace + Math.max(0, size - plan.baseline.desiredCapacity);
  const serving = (instance: ObservedInstance) => isServing(view.health.get(instance.id));
  const launchedDuringDeploy = (instance: ObservedInstance) => launchedSince(instance, plan.startedAt);
  // Launches still owed when the tag was restored come up on the old release: surplus to remove too.
  const surplusOld = view.old.filter(launchedDuringDeploy).slice(0, Math.max(0, view.old.length - oldTarget));
  const removable = [...view.fresh.filter(launchedDuringDeploy), ...surplusOld];

  const remove = withinSpare(removable, serving, view.serving - size);
  actions.terminate = remove.slice(0, TERMINATIONS_PER_PASS).map((instance) => instance.id);

  const unsettledOld = view.old.filter((instance) => instance.lifecycleState !== "InService" || !healthSettled(view, instance));
  // Everything above the starting capacity holds target group slots: new instances not yet gone
  // (serving ones wait for old ones to serve, and terminations are capped per pass), those
  // draining, launches under way. The wave is the room above the start, so only its rest may exit.
  const aboveStart = view.old.length + removable.length + view.leaving.length + view.inFlight - size;
  let budget = Math.max(0, plan.rollbackWave - aboveStart);
  const exitable = view.retired.filter((instance) => instance.lifecycleState === "Standby");
  actions.exitStandby = exitable.slice(0, budget).map((instance) => instance.id);
  budget -= actions.exitStandby.length;
  const missingOld = oldTarget - view.old.length - view.retired.length - view.inFlight;
  const relaunch = Math.min(Math.max(0, missingOld), budget);
  // Terminations decrement desired capacity before the exits and the relaunch add to it.
  const desiredAfter = group.desiredCapacity - actions.terminate.length + actions.exitStandby.length + relaunch;
  if (relaunch > 0) actions.setDesired = desiredAfter;
  if (desiredAfter > group.maxSize) actions.raiseMaxTo = desiredAfter;

  const signature = [view.old.length - unsettledOld.length, view.retired.length, removable.length, view.leaving.length].join("/");
  const settle = [
    actions.exitStandby.length + relaunch > 0 ? plan.healthyAfterSeconds + EXIT_STANDBY_SECONDS : 0,
    actions.terminate.length > 0 ? plan.drainSeconds : 0,
  ];
  const settleSeconds = Math.max(...settle) || undefined;
  const restoring = view.retired.length > 0 || missingOld > 0 || unsettledOld.length > 0 || view.old.length < oldTarget;
  if (restoring) {
    return {
      stage: "restore",
      actions,
      signature,
      ...(settleSeconds ? { settleSeconds } : {}),
      waitReason: `old instances: ${view.old.length - unsettledOld.length} of ${oldTarget} back in service, ${view.retired.length} still in Standby; ${removable.length} new to remove`,
    };
  }
  if (removable.length > 0 || view.leaving.length > 0) {
    return {
      stage: "remove-new",
      actions,
      signature,
      ...(settleSeconds ? { settleSeconds } : {}),
      waitReason: `${removable.length} instance(s) launched by the deploy to remove, ${view.leaving.length} terminating`,
    };
  }
  if (group.maxSize !== plan.baseline.maxSize) actions.restoreMaxTo = plan.baseline.maxSize;
  actions.resume = plan.suspend;
  return { stage: "done", actions, signature };
}

/**
 * The size a rollback brings the group back to: the size it had by itself when the rollout last
 * looked (`Progress.groupSize`), never below the size it started at (a scale-in during the
 * deploy is left to the group's policies once processes resume, while every old instance is
 * still at hand in Standby) nor above the MaxSize it started with.
 */
export function rollbackSize(plan: RolloutPlan, groupSize: number | undefined): number {
  return Math.min(Math.max(plan.baseline.desiredCapacity, groupSize ?? 0), Math.max(plan.baseline.maxSize, plan.baseline.desiredCapacity));
}

function healthSettled(view: FleetView, instance: ObservedInstance): boolean {
  const rows = view.health.get(instance.id);
  return rows !== undefined && rows.length > 0 && rows.every((row) => SETTLED_TARGET_STATES.has(row.state));
}

/**
 * Throws when the rollback has made no progress for longer than a whole batch may take:
 * launch, health checks and draining. A slow but moving rollback of a large fleet goes on.
 */
export function enforceRollbackDeadline(plan: RolloutPlan, strategy: Strategy, stalledSince: number, now: number, waitReason: string): void {
  const limit = strategy.launchTimeoutSeconds + strategy.healthTimeoutSeconds + plan.drainSeconds;
  const stalled = (now - stalledSince) / 1000;
  if (stalled > limit) {
    throw new RollbackTimeoutError(`Rollback of ${plan.release} made no progress for ${Math.round(stalled)} s (limit ${limit} s): ${waitReason}.`);
  }
}

/**
 * The last word before a rollback reports the group restored, from the group as it is now and
 * independent of how the passes told old from new: no more instances of the release than the
 * group had before the deploy (a deploy: counted by release tag; a cycle: by launch time since
 * it began), none of them launched since, and nothing in Standby. Otherwise it throws, and the
 * execution ends with the manual steps instead of a clean "rolled back".
 */
export function assertRolledBack(plan: RolloutPlan, view: FleetView): void {
  const launched = view.fresh.filter((instance) => launchedSince(instance, plan.startedAt));
  const extra = view.fresh.length > plan.alreadyOnRelease ? view.fresh : launched;
  const standby = [...view.retired, ...view.freshStandby];
  if (launched.length === 0 && view.fresh.length <= plan.alreadyOnRelease && standby.length === 0) return;
  const problems: string[] = [];
  if (extra.length > 0) {
    const what = plan.cycle ? `launched by the cycle` : `on ${plan.release}`;
    problems.push(
      `${extra.length} instance(s) ${what} still in it (${extra.map((instance) => instance.id).join(" ")}; it had ${plan.alreadyOnRelease} before)`,
    );
  }
  if (standby.length > 0) problems.push(`${standby.length} instance(s) in Standby (${standby.map((instance) => instance.id).join(" ")})`);
  throw new RollbackIncompleteError(
    `Rollback of ${plan.release} on group "${view.group.name}" reached its end, but the group has ${problems.join(" and ")}. It is not as it started; finish by hand with the steps below.`,
  );
}

/** The error a Catch recorded: `{ Error, Cause }`, where a Lambda's Cause is JSON with errorMessage. */
export interface CaughtFailure {
  Error?: string;
  Cause?: string;
}

/**
 * "HealthGateFailedError: instance i-… is unhealthy …", from whatever a Catch recorded; without a
 * closing full stop, so callers can end the sentence themselves.
 */
export function describeFailure(failure: CaughtFailure | undefined): string {
  if (!failure) return "an unknown failure";
  const name = failure.Error ?? "Error";
  let message = failure.Cause ?? "";
  try {
    const parsed = JSON.parse(message) as { errorMessage?: unknown };
    if (typeof parsed.errorMessage === "string") message = parsed.errorMessage;
  } catch {
    // a Cause that is not JSON is already plain text
  }
  message = message.trim().replace(/\.+$/, "");
  return message ? `${name}: ${message}` : name;
}

/**
 * The cause a rolled-back deploy fails with: what failed, where, and the fleet now. A recovery
 * run's rollback (`recovery` found) says instead which ended execution's rollout it repaired.
 */
export function rolledBackCause(
  plan: RolloutPlan,
  app: string,
  env: string,
  failedBatch: number,
  failure: CaughtFailure | undefined,
  view: FleetView,
  recovery?: RecoveredRollout & { found: boolean },
): string {
  if (recovery?.found) return recoveredCause(recovery, plan.previousRelease, app, env, describeFleet(view, plan.release));
  const checkpoint = failure?.Error === "ApprovalRejectedError" || failure?.Error === "ApprovalTimeoutError";
  const where = failedBatch < 0 ? "before batch 1" : `${checkpoint ? "after" : "in"} batch ${failedBatch + 1} of ${plan.batchCount}`;
  // An abort or a rejection is no failure of the release: the sentence says a person stopped it.
  const ended =
    failure?.Error === "DeployAbortedError"
      ? "was aborted"
      : failure?.Error === "ApprovalRejectedError"
        ? "was rejected at its approval checkpoint"
        : failure?.Error === "ApprovalTimeoutError"
          ? "got no answer at its approval checkpoint"
          : "failed";
  if (plan.cycle) {
    return `Cycle of ${app}/${env} (${plan.release}, instances over ${plan.cycle.maxAge}) ${ended} ${where} and was rolled back: new instances removed, the old ones back in service. ${describeFailure(failure)}. Fleet now: ${describeFleet(view, plan.release)}.`;
  }
  const back = plan.previousRelease ?? "the previous release";
  if (failure?.Error === "RollbackRequestedError") {
    return `Deploy of ${plan.release} to ${app}/${env} was rolled back to ${back} on request, after its last batch. ${describeFailure(failure)}. Fleet now: ${describeFleet(view, plan.release)}.`;
  }
  return `Deploy of ${plan.release} to ${app}/${env} ${ended} ${where} and was rolled back to ${back}. ${describeFailure(failure)}. Fleet now: ${describeFleet(view, plan.release)}.`;
}
