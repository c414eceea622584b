import { HealthGateTimeoutError, LaunchTimeoutError, RetireTimeoutError } from "../errors.js";
import { describeFleet, isServing, launchedSince, type FleetView, type ObservedInstance } from "../fleet.js";
import type { GateEvidence, GateVerdict } from "./gate.js";
import type { Strategy } from "../config/input.js";
import type { InPlaceBatch, InvocationResult } from "./in-place.js";
import type { ApprovalCheckpoint } from "./approvals.js";
import type { RolloutPlan } from "./plan.js";
import type { ReadyWindow } from "./ready-wait.js";
import type { CaughtFailure } from "./rollback.js";
import { chooseRetirees, withinSpare } from "./retirees.js";

/** Where a rollout stands; each step returns a new one (`$.progress` in the execution). */
export interface Progress {
  /** Zero-based index of the batch being worked on. */
  batch: number;
  phase: "launch" | "bake" | "finish" | "in-place";
  /** The current phase's condition holds: go on to the next state. */
  ready: boolean;
  /** Every batch is in and gated. */
  done: boolean;
  /** How long the next Wait state waits. */
  waitSeconds: number;
  batchStartedAt: number;
  /** When the batch's old instances were taken out of service; bake and drain count from here. */
  retiredAt?: number;
  bakeUntil?: number;
  /** When the batch's launch step returned: its instances launched, its first Wait began. */
  launchedAt?: number;
  /** When the step that set `waitSeconds` returned, the start of the Wait it set. */
  waitStartedAt?: number;
  /** How late the last step started after its Wait ended; taken off the next Wait. */
  stepLatencySeconds?: number;
  /**
   * When batches become ready, in seconds after their launch, as the checks bounded it: the
   * previous batch's window is where the next batch's first check lands (ready-wait.ts).
   */
  readyWindow?: ReadyWindow;
  /**
   * Desired capacity once the previous batch settled: the group's own size, including any
   * scaling it did by itself meanwhile. Each batch surges from here.
   */
  settledDesired?: number;
  /**
   * The size the group has by itself, as last seen: its desired capacity less the surge the
   * deploy added and has not retired yet. A scale-out during the deploy shows here; a rollback
   * returns the group to this size, not to the size it started at.
   */
  groupSize?: number;
  summary: string;
  evidence?: GateEvidence;
  /** Set when the batch just passed is an approval checkpoint: the deploy waits for a person. */
  approval?: ApprovalCheckpoint;
  /**
   * Cycle runs: the push queued for the lock that made the run stop after this batch; the old
   * instances left are the next run's.
   */
  stoppedFor?: string;
  /** When the window after the last batch opened (`strategy.keepOldFor`), epoch ms: old instances stay in Standby until it ends. */
  keptFrom?: number;
  /** A gate failed: the rollout goes to its rollback, with this as the reason. */
  failed?: CaughtFailure;
  /** In-place deploys: the batch being deployed, and where it stands. */
  inPlace?: InPlaceBatch;
  /** In-place deploys: the invocations that failed (instance, status, exit code, output tail). */
  commandFailures?: InvocationResult[];
}

/** The first progress of a rollout, before batch 1 launches. */
export function startProgress(plan: RolloutPlan): Progress {
  return { batch: -1, phase: "launch", ready: true, done: false, waitSeconds: 0, batchStartedAt: plan.startedAt, summary: "" };
}

/** Counted new instances the group must have once batch `batch` is launched. */
export function freshWanted(plan: RolloutPlan, batch: number): number {
  const launched = plan.batchSizes.slice(0, batch + 1).reduce((sum, size) => sum + size, 0);
  return plan.alreadyOnRelease + launched;
}

/** Old instances still in service once batch `batch` has retired its share. */
export function oldWanted(plan: RolloutPlan, batch: number): number {
  return plan.toReplace - (freshWanted(plan, batch) - plan.alreadyOnRelease);
}

/**
 * Launch batch `batch`: the desired capacity that surges the group by the batch size above the
 * size it settled at after the previous batch. An absolute target, so a retry after a
 * successful SetDesiredCapacity asks for nothing more; and since the settled size includes the
 * group's own scaling, instances it launched by itself are kept, on the new release. Where the
 * group scaled out so far that the surge passes MaxSize, `raiseMaxTo` lifts MaxSize for the
 * surge; it goes back to the plan's baseline once the batch has retired its old instances
 * (`restoredMaxSize`), as a rollback does.
 */
export function decideLaunch(plan: RolloutPlan, view: FleetView, batch: number, settledDesired: number): { desired?: number; raiseMaxTo?: number } {
  const desired = settledDesired + (plan.batchSizes[batch] ?? 0);
  if (view.group.desiredCapacity >= desired) return {};
  return { desired, ...(desired > view.group.maxSize ? { raiseMaxTo: desired } : {}) };
}

/**
 * The MaxSize to put back once the surge is over: the plan's baseline, or the group's desired
 * capacity if it scaled out past it meanwhile (a lower MaxSize would make Auto Scaling cut
 * desired capacity, terminating serving instances). Undefined when MaxSize is not raised.
 */
export function restoredMaxSize(plan: RolloutPlan, view: FleetView): number | undefined {
  if (view.group.maxSize <= plan.baseline.maxSize) return undefined;
  const restored = Math.max(plan.baseline.maxSize, view.group.desiredCapacity);
  return restored < view.group.maxSize ? restored : undefined;
}

/**
 * The size the group has by itself once `launchedBatches` batches are launched: desired
 * capacity less the instances the deploy launched and has not yet offset by retiring old ones.
 * Derived from the live group, so a repeated step reads the same.
 */
export function ownSize(plan: RolloutPlan, view: FleetView, launchedBatches: number): number {
  const launched = plan.batchSizes.slice(0, launchedBatches).reduce((sum, size) => sum + size, 0);
  const retired = plan.toReplace - view.old.length;
  return view.group.desiredCapacity - Math.max(0, launched - retired);
}

/**
 * New instances of the current batch, where the gate's HTTP probes go: the newest as many as the
 * batch launched, plus any launched since it started (a retried launch step starts its clock
 * after the first attempt's launches, and the group may add instances of its own).
 */
export function batchInstances(plan: RolloutPlan, view: FleetView, progress: Progress): ObservedInstance[] {
  const newestFirst = [...view.fresh].sort((a, b) => (b.launchedAt ?? 0) - (a.launchedAt ?? 0));
  const size = plan.batchSizes[progress.batch] ?? 0;
  return newestFirst.filter((instance, index) => index < size || launchedSince(instance, progress.batchStartedAt));
}

/**
 * After launching: are all new instances in service? Throws once the launch or health deadline
 * passes; the gate verdict decides the rest.
 */
export function launchStatus(
  plan: RolloutPlan,
  strategy: Strategy,
  view: FleetView,
  progress: Progress,
  now: number,
): { inService: boolean; waitReason?: string } {
  const wanted = freshWanted(plan, progress.batch);
  const inService = view.fresh.filter((instance) => instance.lifecycleState === "InService").length;
  const elapsed = (now - progress.batchStartedAt) / 1000;
  if (inService < wanted || inService < view.fresh.length || view.inFlight > 0) {
    if (elapsed > strategy.launchTimeoutSeconds) {
      throw new LaunchTimeoutError(
        `Batch ${progress.batch + 1} of ${plan.batchCount}: only ${inService} of ${wanted} new instances reached InService within launchTimeoutSeconds ${strategy.launchTimeoutSeconds}.`,
      );
    }
    return { inService: false, waitReason: `${inService} of ${Math.max(wanted, view.fresh.length + view.inFlight)} new instances in service` };
  }
  return { inService: true };
}

/** Throws when a gate has waited for healthy targets longer than the strategy allows. */
export function enforceHealthDeadline(plan: RolloutPlan, strategy: Strategy, progress: Progress, verdict: GateVerdict, now: number): void {
  if (verdict.outcome !== "wait") return;
  const elapsed = (now - progress.batchStartedAt) / 1000;
  const limit = strategy.launchTimeoutSeconds + strategy.healthTimeoutSeconds;
  if (elapsed > limit) {
    throw new HealthGateTimeoutError(
      `Batch ${progress.batch + 1} of ${plan.batchCount}: ${verdict.reason} after ${Math.round(elapsed)} s (launchTimeoutSeconds + healthTimeoutSeconds = ${limit}).`,
    );
  }
}

/**
 * Which old instances to take out of service now for batch `batch`, never letting serving
 * instances drop below the floor; what the floor holds back is retired on a later check.
 */
export function decideRetire(plan: RolloutPlan, view: FleetView, batch: number): ObservedInstance[] {
  const excess = view.old.length - oldWanted(plan, batch);
  if (excess <= 0) return [];
  const serving = (instance: ObservedInstance) => isServing(view.health.get(instance.id));
  const chosen = chooseRetirees(view.old, excess, serving);
  return withinSpare(chosen, serving, view.serving - plan.floor);
}

/** The retired instances of this batch have left service: drained into Standby, or gone. */
export function retireStatus(
  plan: RolloutPlan,
  strategy: Strategy,
  view: FleetView,
  progress: Progress,
  now: number,
): { settled: boolean; waitReason?: string } {
  const draining = view.draining.length;
  const pending = view.old.length - oldWanted(plan, progress.batch);
  if (draining === 0 && pending <= 0) return { settled: true };
  const elapsed = (now - (progress.retiredAt ?? now)) / 1000;
  const limit = plan.drainSeconds + strategy.healthTimeoutSeconds;
  if (elapsed > limit) {
    throw new RetireTimeoutError(
      `Batch ${progress.batch + 1} of ${plan.batchCount}: ${draining} old instance(s) still draining and ${Math.max(0, pending)} not yet retired after ${Math.round(elapsed)} s (deregistration delay ${plan.drainSeconds} s + healthTimeoutSeconds ${strategy.healthTimeoutSeconds}).`,
    );
  }
  return { settled: false, waitReason: `${draining} old instance(s) draining, ${Math.max(0, pending)} waiting for the capacity floor` };
}

/**
 * Seconds "Finish rollout" waits before its next pass. Standby instances left to terminate: a
 * second (each pass ends a few hundred). Retired instances still entering Standby: until their
 * deregistration delay should be over, and at least pollSeconds, since a drain takes minutes
 * and a one-second loop costs a Lambda run and ~9 history events a turn. Throws once the drain
 * outlasts the deregistration delay plus healthTimeoutSeconds, as the batch check does.
 */
export function finishWaitSeconds(plan: RolloutPlan, strategy: Strategy, view: FleetView, progress: Progress, now: number): number {
  const entering = view.retired.filter((instance) => instance.lifecycleState === "EnteringStandby").length;
  if (entering === 0) return 1;
  const retiredAt = progress.retiredAt ?? now;
  const elapsed = (now - retiredAt) / 1000;
  const limit = plan.drainSeconds + strategy.healthTimeoutSeconds;
  if (elapsed > limit) {
    throw new RetireTimeoutError(
      `Finishing: ${entering} retired instance(s) still entering Standby after ${Math.round(elapsed)} s (deregistration delay ${plan.drainSeconds} s + healthTimeoutSeconds ${strategy.healthTimeoutSeconds}); they are left for a person to terminate.`,
    );
  }
  return Math.max(strategy.pollSeconds, Math.ceil(plan.drainSeconds - elapsed));
}

/** A one-line fleet summary for progress output. */
export function summarize(plan: RolloutPlan, view: FleetView, batch: number, note: string): string {
  const position = batch < 0 ? "before batch 1" : `batch ${batch + 1} of ${plan.batchCount}`;
  return `${position}: ${note}; ${describeFleet(view, plan.release)}`;
}
