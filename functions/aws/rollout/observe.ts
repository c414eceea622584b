import { cycleSplit } from "../../core/cycle/cycle.js";
import { viewFleet, type FleetView } from "../../core/fleet.js";
import type { DeployInput } from "../../core/config/input.js";
import type { RolloutPlan } from "../../core/rollout/plan.js";
import { readGroup } from "./group.js";
import { readTargetHealth } from "./targets.js";

/**
 * The group and its targets as they are now, split for the run: by release for a deploy, by
 * launch time for a cycle (`plan.cycle`; `rollbackFrom` is when its rollback began, see
 * cycleSplit). Steps after planning pass the plan, whose release is the one being rolled out.
 * `describeParked` reads the releases of Standby instances too (see readGroup).
 */
export async function observeFleet(
  input: DeployInput,
  plan?: Pick<RolloutPlan, "release" | "cycle">,
  rollbackFrom?: number,
  options: { describeParked?: boolean } = {},
): Promise<FleetView> {
  const [group, targets] = await Promise.all([readGroup(input.group.autoScalingGroupName, options), readTargetHealth(input.group.targetGroupArns)]);
  const release = plan?.release ?? input.release?.id ?? "";
  return viewFleet(group, targets, release, plan?.cycle ? cycleSplit(plan.cycle, rollbackFrom) : undefined);
}
