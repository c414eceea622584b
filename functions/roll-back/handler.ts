import { now } from "../aws/clock.js";
import {
  exitStandby,
  restoreRelease,
  resumeProcesses,
  setDesiredCapacity,
  setMaxSize,
  terminateInstances,
  useLaunchTemplateVersion,
} from "../aws/rollout/group-actions.js";
import { observeFleet } from "../aws/rollout/observe.js";
import { markRolloutStage } from "../aws/rollout/unfinished.js";
import { RELEASE_TAG } from "../core/fleet.js";
import { assertRolledBack, decideRollback, enforceRollbackDeadline, rollbackSize, rolledBackCause, type RollbackProgress } from "../core/rollout/rollback.js";
import { summarize } from "../core/rollout/rollout.js";
import { requirePlan } from "../wiring/deploy-state.js";
import { deployStep } from "../wiring/step.js";
import { rollBackInPlace } from "./in-place.js";

/**
 * "Roll back": one pass toward the group as it was before the deploy. The state loops through
 * a Wait until the pass reports done; each pass re-reads the group, so repeats are safe.
 */
export const handler = deployStep("roll-back", async (state): Promise<RollbackProgress> => {
  const plan = requirePlan(state);
  // Going back now, even from the window after the last batch: a recovery must not finish this rollout forward.
  const holder = state.lock?.holder ?? state.execution?.name;
  if (state.rollback === undefined && holder && !state.recovery) await markRolloutStage(state.input.app, state.input.env, holder, "rollout");
  if (plan.mode === "in-place") return rollBackInPlace(state);
  const { input } = state;
  const at = now();
  const startedAt = state.rollback?.startedAt ?? at;
  const group = input.group.autoScalingGroupName;
  let view = await observeFleet(input, plan, startedAt);
  if ((view.group.tags[RELEASE_TAG] ?? null) !== plan.previousRelease) await restoreRelease(group, plan.previousRelease);
  const template = plan.launchTemplate;
  if (template && view.group.launchTemplate?.version !== template.version) await useLaunchTemplateVersion(group, template.id, template.version);
  // A cycle tells the instances its rollback relaunches (old) from those its rollout launched
  // (new) by launch time against `startedAt`. A Step Functions retry of a first pass that had
  // already relaunched some would take a later `at` and remove them as new. So a cycle's first
  // pass only records the start (restoring the tag and launch template launches nothing); the
  // passes that act carry that start in their input, retries included.
  if (plan.cycle && state.rollback === undefined) {
    return {
      startedAt,
      stage: "restore",
      done: false,
      waitSeconds: 0,
      summary: summarize(plan, view, state.progress?.batch ?? -1, "rolling back: start recorded"),
    };
  }

  const pass = decideRollback(plan, view, rollbackSize(plan, state.progress?.groupSize));
  const moved = pass.signature !== state.rollback?.signature;
  const stalledSince = moved ? at : (state.rollback?.stalledSince ?? at);
  if (pass.stage !== "done") enforceRollbackDeadline(plan, input.strategy, stalledSince, at, pass.waitReason ?? pass.stage);
  const { actions } = pass;
  await terminateInstances(actions.terminate, true);
  if (actions.raiseMaxTo !== undefined) await setMaxSize(group, actions.raiseMaxTo);
  await exitStandby(group, actions.exitStandby);
  if (actions.setDesired !== undefined) await setDesiredCapacity(group, actions.setDesired);
  if (actions.restoreMaxTo !== undefined) await setMaxSize(group, actions.restoreMaxTo);
  await resumeProcesses(group, actions.resume);

  const failedBatch = state.progress?.batch ?? -1;
  if (pass.stage === "done") {
    view = await observeFleet(input, plan, startedAt);
    assertRolledBack(plan, view);
    const cause = rolledBackCause(plan, input.app, input.env, failedBatch, state.failure ?? state.progress?.failed, view, state.recovery);
    return { startedAt, stage: "done", done: true, waitSeconds: 0, summary: summarize(plan, view, failedBatch, "rolled back"), cause };
  }
  return {
    startedAt,
    stage: pass.stage,
    done: false,
    signature: pass.signature,
    stalledSince,
    waitSeconds: Math.max(input.strategy.pollSeconds, Math.ceil(pass.settleSeconds ?? 0)),
    summary: summarize(plan, view, failedBatch, `rolling back: ${pass.waitReason ?? pass.stage}`),
  };
});
