import { viewFleet, type FleetView } from "../core/fleet.js";
import type { DeployInput } from "../core/input.js";
import { readGroup } from "./group.js";
import { readTargetHealth } from "./targets.js";

/** The group and its targets as they are now, split for the release being deployed. */
export async function observeFleet(input: DeployInput): Promise<FleetView> {
  const [group, targets] = await Promise.all([
    readGroup(input.group.autoScalingGroupName),
    readTargetHealth(input.group.targetGroupArns),
  ]);
  return viewFleet(group, targets, input.release.id);
}
