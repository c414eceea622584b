import { markRelease, suspendProcesses, useLaunchTemplateVersion } from "../aws/group-actions.js";
import { readGroup } from "../aws/group.js";
import { ensureImageVersion } from "../aws/launch-template.js";
import { startProgress } from "../core/rollout.js";
import { requirePlan } from "../wiring/deploy-state.js";
import { deployStep } from "../wiring/step.js";

/**
 * "Prepare group": suspends the processes that would fight the rollout (AZRebalance), marks
 * the release on the group so every launch from now on runs it, and points the group at a
 * launch template version with the new image when there is one. Each call is idempotent.
 */
export const handler = deployStep("prepare-group", async (state) => {
  const plan = requirePlan(state);
  const group = state.input.group.autoScalingGroupName;
  await suspendProcesses(group, plan.suspend);
  await markRelease(group, plan.release);
  const imageId = state.input.release?.imageId;
  if (imageId && plan.launchTemplate) {
    const version = await ensureImageVersion(plan.launchTemplate.id, plan.launchTemplate.version, imageId, plan.release);
    await useLaunchTemplateVersion(group, plan.launchTemplate.id, version);
  }
  const settledDesired = (await readGroup(group)).desiredCapacity;
  return { ...startProgress(plan), settledDesired, summary: `release ${plan.release} marked on ${group}; suspended ${plan.suspend.join(", ") || "nothing"}` };
});
