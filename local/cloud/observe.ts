import { ec2State } from "./ec2.js";
import { RELEASE_TAG, runningRelease } from "./driver.js";
import type { Fleet } from "./fleet.js";
import type { Lifecycle } from "./model.js";
import { isServing } from "./targets.js";
import { LocalCloudSetupError } from "./errors.js";

/** One instance as a test sees it. */
export interface InstanceSnapshot {
  instanceId: string;
  lifecycle: Lifecycle;
  ec2State: string;
  /** The instance's gantry:release tag, if it has one. */
  release: string | undefined;
  /** The release its app runs: the last in-place deploy's, else the tag's (see `runningRelease`). */
  runningRelease: string | undefined;
  availabilityZone: string;
  launchTemplateVersion: number;
  imageId: string;
  launchTime: number;
  targets: { targetGroupArn: string; state: string }[];
}

/** A group as a test sees it, as of now. */
export interface GroupSnapshot {
  name: string;
  minSize: number;
  maxSize: number;
  desiredCapacity: number;
  suspendedProcesses: string[];
  instances: InstanceSnapshot[];
  /** Instances receiving traffic (see `servingCount`). */
  serving: number;
}

/** The group's state in one pass over its instances (cheap enough for 5,000 of them). */
export function snapshotGroup(fleet: Fleet, groupName: string): GroupSnapshot {
  const group = fleet.group(groupName);
  const now = fleet.clock.now();
  let serving = 0;
  const instances = [...group.instanceIds].map((id): InstanceSnapshot => {
    const instance = fleet.instances.get(id)!;
    if (fleet.isServing(instance, now)) serving++;
    return {
      instanceId: id,
      lifecycle: instance.lifecycle!,
      ec2State: ec2State(instance),
      release: instance.tags.get(RELEASE_TAG),
      runningRelease: runningRelease(instance),
      availabilityZone: instance.availabilityZone,
      launchTemplateVersion: instance.launchTemplate.version,
      imageId: instance.imageId,
      launchTime: instance.launchTime,
      targets: [...instance.registeredIn].map((arn) => {
        const target = fleet.targetGroups.get(arn)!.targets.get(id)!;
        const state = target.drainingUntil === undefined ? target.health.state : "draining";
        return { targetGroupArn: arn, state };
      }),
    };
  });
  return {
    name: group.name,
    minSize: group.minSize,
    maxSize: group.maxSize,
    desiredCapacity: group.desiredCapacity,
    suspendedProcesses: [...group.suspended.keys()],
    instances,
    serving,
  };
}

/** Instances of the group receiving traffic: healthy and not draining in some target group. */
export function servingCount(fleet: Fleet, groupName: string): number {
  const group = fleet.group(groupName);
  const now = fleet.clock.now();
  let serving = 0;
  for (const id of group.instanceIds) if (fleet.isServing(fleet.instances.get(id)!, now)) serving++;
  return serving;
}

/**
 * Ids of the target group's targets a load balancer may send new requests to as of now:
 * registered, healthy and not draining, in registration order.
 */
export function routableTargets(fleet: Fleet, targetGroupArn: string): string[] {
  const tg = fleet.targetGroups.get(targetGroupArn);
  if (!tg) throw new LocalCloudSetupError(`No target group ${targetGroupArn} in this local cloud.`);
  const now = fleet.clock.now();
  const routable: string[] = [];
  for (const [id, target] of tg.targets) {
    fleet.evaluate(tg, id, now);
    if (isServing(target)) routable.push(id);
  }
  return routable;
}
