import { markRelease, suspendProcesses, useLaunchTemplateVersion } from "../aws/rollout/group-actions.js";
import { readGroup } from "../aws/rollout/group.js";
import { ensureImageVersion } from "../aws/rollout/launch-template.js";
import { saveUnfinishedRollout } from "../aws/rollout/unfinished.js";
import { now } from "../aws/clock.js";
import { RolloutInProgressError } from "../core/errors.js";
import { startProgress } from "../core/rollout/rollout.js";
import { requirePlan } from "../wiring/deploy-state.js";
import { forwardStep } from "../wiring/step.js";

/**
 * "Prepare group": suspends the processes that would fight the rollout (AZRebalance), marks
 * the release on the group so every launch from now on runs it, and points the group at a
 * launch template version with the new image when there is one. Each call is idempotent.
 */
export const handler = forwardStep("prepare-group", async (state) => {
  const plan = requirePlan(state);
  const group = state.input.group.autoScalingGroupName;
  const { app, env } = state.input;
  const execution = state.execution?.name ?? state.lock?.holder;
  if (!plan.markOnly && execution) {
    // Recorded before the first change, so a recovery can find this rollout whatever ends it.
    const kept = { ...plan };
    delete kept.preview;
    const record = {
      execution,
      release: plan.release,
      group: state.input.group,
      ...(state.lock?.label ? { label: state.lock.label } : {}),
      plan: kept,
      stage: "rollout" as const,
      since: now(),
    };
    if (!(await saveUnfinishedRollout(app, env, record))) {
      throw new RolloutInProgressError(`Another execution's rollout of ${app}/${env} is recorded as unfinished; run \`gantry recover ${app} ${env}\` first.`);
    }
  }
  await suspendProcesses(group, plan.suspend);
  await markRelease(group, plan.release);
  const imageId = state.input.release?.imageId;
  if (imageId && plan.launchTemplate) {
    const version = await ensureImageVersion(plan.launchTemplate.id, plan.launchTemplate.version, imageId, plan.release);
    await useLaunchTemplateVersion(group, plan.launchTemplate.id, version);
  }
  const observed = await readGroup(group);
  const settledDesired = observed.desiredCapacity;
  if (plan.markOnly) return { ...startProgress(plan), settledDesired, done: true, summary: markedOnly(plan.release, group, observed.instances.length) };
  return { ...startProgress(plan), settledDesired, summary: `release ${plan.release} marked on ${group}; suspended ${plan.suspend.join(", ") || "nothing"}` };
});

/** What a deploy that only marked the release did, in the words its summary gives. */
function markedOnly(release: string, group: string, instances: number): string {
  if (instances === 0) {
    return `${group} has no instances (stopped by a schedule, or scaled to zero): nothing was replaced; release ${release} is marked on the group, so its next start boots ${release}`;
  }
  return `every instance of ${group} already runs ${release}: nothing was replaced; release ${release} is marked on the group for its next launches`;
}
