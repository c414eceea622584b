import { readAlarms } from "../aws/rollout/alarms.js";
import { now } from "../aws/clock.js";
import { checkReleaseBuilt, releaseStoreConfigured } from "../aws/releases/release-store.js";
import { readGroup } from "../aws/rollout/group.js";
import { readVersionImage } from "../aws/rollout/launch-template.js";
import { readTargetQuota } from "../aws/rollout/quotas.js";
import { readTargetGroupTimings, readTargetHealth } from "../aws/rollout/targets.js";
import { GantryError, InvalidDeployInputError, RolloutInProgressError } from "../core/errors.js";
import { readUnfinishedRollout } from "../aws/rollout/unfinished.js";
import { unfinishedRolloutMessage } from "../core/rollout/unfinished.js";
import { cycleSplit } from "../core/cycle/cycle.js";
import { viewFleet } from "../core/fleet.js";
import { checkLaunchTemplate, isVersionAlias } from "../core/rollout/launch-template.js";
import { parseReleaseId } from "../core/releases/release-id.js";
import { planRollout } from "../core/rollout/plan.js";
import { summarize } from "../core/rollout/rollout.js";
import { describeCriticalPath } from "../core/rollout/critical-path.js";
import { forwardStep } from "../wiring/step.js";

/**
 * "Plan rollout": checks every precondition and returns the plan, or the reason the deploy
 * cannot start (as data, so the execution fails with a plain cause and nothing changed).
 * Transient AWS errors are thrown for the state's Retry. With a release store, a deploy's
 * release must be built first (its slug and manifest exist: ReleaseNotBuiltError otherwise),
 * so a push that beats its build is refused here, before any change, rather than after the
 * health timeout.
 */
export const handler = forwardStep("plan-rollout", async ({ input, execution }) => {
  try {
    const release = input.mode === "cycle" ? undefined : input.release;
    const [unfinished, , group, timings, targets, quota] = await Promise.all([
      readUnfinishedRollout(input.app, input.env),
      release && releaseStoreConfigured() ? checkReleaseBuilt(input.app, input.env, parseReleaseId(release.id)) : undefined,
      readGroup(input.group.autoScalingGroupName),
      readTargetGroupTimings(input.group.targetGroupArns),
      readTargetHealth(input.group.targetGroupArns),
      readTargetQuota(),
    ]);
    // Another execution's rollout that never ended cleanly: its group is not as it started.
    if (unfinished && unfinished.execution !== execution?.name) throw new RolloutInProgressError(unfinishedRolloutMessage(input.app, input.env, unfinished));
    const missing = (await readAlarms(input.gates.alarms)).filter((alarm) => alarm.state === "NOT_FOUND");
    if (missing.length > 0) {
      throw new InvalidDeployInputError(
        `gates.alarms: ${missing.map((alarm) => `"${alarm.name}"`).join(", ")} not found in CloudWatch; create the alarm or remove it from the gates.`,
      );
    }
    const imageId = input.release?.imageId;
    const template = group.launchTemplate;
    // The image a rollback would point the group back at: read only when a deploy changes it.
    const currentImage = imageId && template && !isVersionAlias(template.version) ? await readVersionImage(template.id, template.version) : undefined;
    checkLaunchTemplate(group, imageId, currentImage);
    const plan = planRollout(input, group, targets, timings, now(), quota);
    const view = viewFleet(group, targets, plan.release, plan.cycle ? cycleSplit(plan.cycle) : undefined);
    const note = plan.cycle
      ? cycleNote(plan.cycle.maxAge, plan.toReplace, plan.alreadyOnRelease, plan.batchSizes, plan.cycle.leftForNextRun ?? 0)
      : `${plan.toReplace} to ${plan.mode === "in-place" ? "deploy in place" : "replace"} in ${plan.batchCount} batch(es) [${plan.batchSizes.join(", ")}]` +
        (plan.criticalPath ? `; ${describeCriticalPath(plan.criticalPath)}` : "");
    const quotaNote = quota.note ? `; ${quota.note}` : "";
    return { ...plan, summary: summarize(plan, view, -1, note + quotaNote) };
  } catch (error) {
    if (error instanceof GantryError && !error.transient) return { rejected: { error: error.name, cause: error.message } };
    throw error;
  }
});

function cycleNote(maxAge: string, toReplace: number, kept: number, sizes: readonly number[], left: number): string {
  if (toReplace === 0) return `nothing to cycle: all ${kept} instance(s) are under ${maxAge}`;
  const batches = `in ${sizes.length} batch(es) [${sizes.join(", ")}]`;
  if (left > 0)
    return `${toReplace - left} of ${toReplace} instance(s) over ${maxAge} to replace ${batches}, ${left} left for the next run (at most ${sizes.length} batches per run), ${kept} under ${maxAge} kept`;
  return `${toReplace} instance(s) over ${maxAge} to replace ${batches}, ${kept} under ${maxAge} kept`;
}
