import { now } from "../aws/clock.js";
import { restoreRelease, resumeProcesses } from "../aws/rollout/group-actions.js";
import { observeFleet } from "../aws/rollout/observe.js";
import { DeployCommandFailedError, HealthGateFailedError, HttpGateFailedError, AlarmGateFailedError, RollbackIncompleteError } from "../core/errors.js";
import { RELEASE_TAG, type FleetView } from "../core/fleet.js";
import { homeTargetGroups, inNoTargetGroup } from "../core/rollout/in-place.js";
import { rolledBackCause, type RollbackProgress } from "../core/rollout/rollback.js";
import { summarize } from "../core/rollout/rollout.js";
import type { DeployState } from "../wiring/deploy-state.js";
import { requirePlan } from "../wiring/deploy-state.js";
import { advanceInPlace } from "../wiring/in-place-batch.js";

const GATE_ERRORS = {
  [HealthGateFailedError.name]: HealthGateFailedError,
  [HttpGateFailedError.name]: HttpGateFailedError,
  [AlarmGateFailedError.name]: AlarmGateFailedError,
};

/**
 * An in-place deploy's rollback: the group's tag back to the previous release, then the same
 * batches toward it. The failed batch goes first (it is already out of service), then every
 * instance on the new release, as many at a time as the largest batch, each through the
 * previous release's deploy command, registration and the gate. Ends when every instance runs
 * the previous release and is registered; a batch that fails on the way back fails the rollback.
 */
export async function rollBackInPlace(state: DeployState): Promise<RollbackProgress> {
  const plan = requirePlan(state);
  const { input } = state;
  const at = now();
  const startedAt = state.rollback?.startedAt ?? at;
  const previous = plan.previousRelease;
  if (previous === null)
    throw new RollbackIncompleteError(`An in-place rollback of ${plan.release} has no previous release to run; the plan should have refused the deploy.`);
  const group = input.group.autoScalingGroupName;
  let view = await observeFleet(input, { release: previous });
  if (view.group.tags[RELEASE_TAG] !== previous) await restoreRelease(group, previous);
  const failedBatch = state.progress?.batch ?? -1;
  const round = state.rollback?.inPlaceRound ?? 0;
  const current = state.rollback?.inPlace;
  const failed = state.progress?.inPlace;
  // A recovery has no record of the batch in flight when its execution ended: the instances in
  // service but in no target group are that batch. They go first, the previous release's command
  // runs on them again (it may have been sent), and they go back into every configured target group.
  const outside = state.recovery?.found && !failed && round === 0 ? inNoTargetGroup(view, inServiceIds(view), input.group.targetGroupArns) : [];
  const takeFirst = round === 0 && !current ? (failed?.instanceIds ?? outside) : [];
  // Where the failed batch's command ran, what runs there is not known: the previous release's command runs again.
  // Past "take", a command may have reached any of the batch (a step can fail between two sends):
  // the previous release's command runs again on all of it but the instances Run Command never reached.
  const rerun = failed && failed.stage !== "take" ? failed.instanceIds.filter((id) => !(failed.undelivered ?? []).includes(id)) : outside;
  const firstHomes = failed
    ? (id: string) => homeTargetGroups(failed, id, input.group.targetGroupArns)
    : outside.length > 0
      ? () => input.group.targetGroupArns
      : undefined;
  const size = Math.max(1, ...plan.batchSizes);
  const where = `Rollback batch ${round + 1}`;
  const batchStartedAt = current ? (state.rollback?.batchStartedAt ?? at) : at;
  const turn = await advanceInPlace(
    { input, plan, view, release: previous, size, takeFirst, rerun, ...(firstHomes ? { firstHomes } : {}), where, batchStartedAt, now: at, alarms: false },
    current,
  );
  if (turn.failed) {
    const failure = turn.failed;
    const ErrorClass = GATE_ERRORS[failure.Error ?? ""] ?? DeployCommandFailedError;
    throw new ErrorClass(`The in-place rollback to ${previous} failed. ${failure.Cause ?? ""}`);
  }
  const progress = { startedAt, stage: "in-place" as const, done: false, batchStartedAt };
  if (turn.allDone) {
    const counted = inServiceIds(view);
    const missing = inNoTargetGroup(view, counted, input.group.targetGroupArns);
    if (missing.length > 0) {
      throw new RollbackIncompleteError(
        `The in-place rollback to ${previous} ended with ${missing.length} instance(s) outside the target groups (${missing.slice(0, 5).join(", ")}); register them by hand once they serve.`,
      );
    }
    await resumeProcesses(group, plan.suspend);
    view = await observeFleet(input, plan);
    const cause = rolledBackCause(plan, input.app, input.env, failedBatch, state.failure ?? state.progress?.failed, view, state.recovery);
    return { ...progress, stage: "done", done: true, waitSeconds: 0, summary: summarize(plan, view, failedBatch, "rolled back in place"), cause };
  }
  const next = turn.batch ? { inPlace: turn.batch, inPlaceRound: round } : { inPlaceRound: round + 1 };
  return {
    ...progress,
    ...next,
    waitSeconds: turn.ready ? 0 : turn.waitSeconds,
    // The view is split by the previous release here: the fleet line names what each side runs.
    summary: summarize({ ...plan, release: previous }, view, failedBatch, `rolling back in place to ${previous}: ${turn.note}`),
  };
}

function inServiceIds(view: FleetView): string[] {
  return view.group.instances.filter((instance) => instance.lifecycleState === "InService").map((instance) => instance.id);
}
