import { POWER_POLL_SECONDS } from "../../core/power/power.js";
import { conclude, type PowerProgress, type TargetProgress } from "../../core/power/power-progress.js";
import { classifyAwsError } from "../errors.js";
import { actOnGroup, checkGroup } from "./power-group-targets.js";
import { actOnInstances, checkInstances } from "./power-instance-targets.js";

/** The first pass: every working target acted on, each on its own. */
export async function actOnTargets(progress: PowerProgress, now: number): Promise<PowerProgress> {
  const targets = await eachTarget(progress, (target) =>
    target.config.tag ? actOnInstances(progress, target, target.config.tag) : actOnGroup(progress, target, target.config.autoScalingGroup ?? "", now),
  );
  return conclude({ ...progress, targets }, now, POWER_POLL_SECONDS);
}

/** Each later pass: every working target observed again. */
export async function checkTargets(progress: PowerProgress, now: number): Promise<PowerProgress> {
  const targets = await eachTarget(progress, (target) =>
    target.config.tag ? checkInstances(progress, target, target.config.tag) : checkGroup(progress, target, target.config.autoScalingGroup ?? ""),
  );
  return conclude({ ...progress, targets }, now, POWER_POLL_SECONDS);
}

/**
 * One target at a time (a schedule names a handful; this keeps within EC2's mutating-call rate).
 * A target's own failure is its outcome and the others go on; a throttled or transient AWS
 * error is thrown instead, so Step Functions retries the whole step, which is idempotent.
 */
async function eachTarget(progress: PowerProgress, step: (target: TargetProgress) => Promise<TargetProgress>): Promise<TargetProgress[]> {
  const results: TargetProgress[] = [];
  for (const target of progress.targets) {
    if (target.status !== "working") {
      results.push(target);
      continue;
    }
    try {
      results.push(await step(target));
    } catch (error) {
      const classified = classifyAwsError(error);
      if ((classified as { transient?: boolean }).transient) throw classified;
      const reason = classified instanceof Error ? `${classified.name}: ${classified.message}` : String(classified);
      results.push({ ...target, status: "failed", detail: reason });
    }
  }
  return results;
}
