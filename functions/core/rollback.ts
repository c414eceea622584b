import { RollbackTimeoutError } from "./errors.js";
import { describeFleet, type FleetView, type ObservedInstance } from "./fleet.js";
import type { Strategy } from "./input.js";
import type { RolloutPlan } from "./plan.js";

/** Where a rollback stands (`$.rollback` in the execution). */
export interface RollbackProgress {
  startedAt: number;
  stage: "restore" | "remove-new" | "finalize" | "done";
  done: boolean;
  waitSeconds: number;
  summary: string;
  /** Once done: the plain-words cause the execution fails with. */
  cause?: string;
}

/** What one rollback pass asks `aws/` to do, in this order. */
export interface RollbackActions {
  raiseMaxTo?: number;
  exitStandby: string[];
  setDesired?: number;
  terminate: string[];
  restoreMaxTo?: number;
  resume: string[];
}

/** Terminations per pass: keeps one Lambda run well inside its timeout and the API rate. */
export const TERMINATIONS_PER_PASS = 250;

const SETTLED_TARGET_STATES = new Set(["healthy", "unhealthy"]);

/**
 * One pass of the rollback, derived from the group as it is now: bring every old instance back
 * (exit Standby, relaunch what was terminated), wait until the load balancers have judged them,
 * then remove every instance launched during the deploy, then restore MaxSize and resume
 * processes. Each pass asks only for what is still missing, so passes can repeat safely.
 */
export function decideRollback(
  plan: RolloutPlan,
  strategy: Strategy,
  view: FleetView,
  startedAt: number,
  now: number,
): { stage: RollbackProgress["stage"]; actions: RollbackActions; waitReason?: string } {
  const actions: RollbackActions = { exitStandby: [], terminate: [], resume: [] };
  const group = view.group;
  const exitable = view.retired.filter((instance) => instance.lifecycleState === "Standby");
  const entering = view.retired.length - exitable.length;
  const desiredAfterExit = group.desiredCapacity + exitable.length;
  const missingOld = plan.toReplace - view.old.length - view.retired.length - view.inFlight;
  const targetDesired = desiredAfterExit + Math.max(0, missingOld);
  actions.exitStandby = exitable.map((instance) => instance.id);
  if (missingOld > 0) actions.setDesired = targetDesired;
  if (targetDesired > group.maxSize) actions.raiseMaxTo = targetDesired;

  const launchedDuringDeploy = (instance: ObservedInstance) => (instance.launchedAt ?? 0) >= plan.startedAt;
  const unsettledOld = view.old.filter((instance) => instance.lifecycleState !== "InService" || !healthSettled(view, instance));
  const restored = exitable.length === 0 && entering === 0 && missingOld <= 0 && view.old.length >= plan.toReplace && unsettledOld.length === 0;
  if (!restored) {
    enforceDeadline(plan, strategy, startedAt, now, "bringing the old instances back");
    return {
      stage: "restore",
      actions,
      waitReason: `old instances: ${view.old.length} of ${plan.toReplace} in service (${unsettledOld.length} not yet judged healthy), ${view.retired.length} still in Standby`,
    };
  }

  // Launches still owed when the tag was restored come up on the old release: surplus to remove too.
  const surplusOld = view.old.filter(launchedDuringDeploy).slice(0, Math.max(0, view.old.length - plan.toReplace));
  const remove = [...view.fresh.filter(launchedDuringDeploy), ...surplusOld];
  actions.terminate = remove.slice(0, TERMINATIONS_PER_PASS).map((instance) => instance.id);
  const leaving = view.leaving.length;
  if (remove.length > 0 || leaving > 0) {
    enforceDeadline(plan, strategy, startedAt, now, "removing the new instances");
    return { stage: "remove-new", actions, waitReason: `${remove.length} instance(s) launched by the deploy to remove, ${leaving} terminating` };
  }

  if (group.maxSize !== plan.baseline.maxSize) actions.restoreMaxTo = plan.baseline.maxSize;
  actions.resume = plan.suspend;
  return { stage: "done", actions };
}

function healthSettled(view: FleetView, instance: ObservedInstance): boolean {
  const rows = view.health.get(instance.id);
  return rows !== undefined && rows.length > 0 && rows.every((row) => SETTLED_TARGET_STATES.has(row.state));
}

function enforceDeadline(plan: RolloutPlan, strategy: Strategy, startedAt: number, now: number, doing: string): void {
  const limit = strategy.launchTimeoutSeconds + strategy.healthTimeoutSeconds + plan.drainSeconds;
  const elapsed = (now - startedAt) / 1000;
  if (elapsed > limit) {
    throw new RollbackTimeoutError(`Rollback of ${plan.release} stuck ${doing} after ${Math.round(elapsed)} s (limit ${limit} s).`);
  }
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

/** The cause a rolled-back deploy fails with: what failed, where, and the fleet now. */
export function rolledBackCause(
  plan: RolloutPlan,
  app: string,
  env: string,
  failedBatch: number,
  failure: CaughtFailure | undefined,
  view: FleetView,
): string {
  const where = failedBatch < 0 ? "before batch 1" : `in batch ${failedBatch + 1} of ${plan.batchCount}`;
  const back = plan.previousRelease ?? "the previous release";
  return `Deploy of ${plan.release} to ${app}/${env} failed ${where} and was rolled back to ${back}. ${describeFailure(failure)}. Fleet now: ${describeFleet(view, plan.release)}.`;
}
