import { LocalCloudSetupError } from "./errors.js";
import type { Fleet } from "./fleet.js";
import { launchTimeAt, type GroupRecord, type TargetGroupRecord } from "./model.js";
import { TARGETS_PER_TARGET_GROUP } from "./targets.js";

/** A target group as a scenario declares it; defaults are short but within ALB's limits. */
export interface TargetGroupOptions {
  name: string;
  port?: number;
  healthCheckPath?: string;
  /** ALB allows 5–300 s. */
  healthCheckIntervalSeconds?: number;
  /** ALB allows 2–10. */
  healthyThreshold?: number;
  /** ALB allows 2–10. */
  unhealthyThreshold?: number;
  /** ALB allows 0–3,600 s (AWS's default is 300; 30 here keeps scenarios short). */
  deregistrationDelaySeconds?: number;
  /** The load balancer the group is attached to (created by name; default "gantry-alb"). */
  loadBalancerName?: string;
  /**
   * The account's "targets per target group" quota: 1,000 by default, adjustable through
   * Service Quotas as on AWS.
   */
  maxTargets?: number;
}

/** An Auto Scaling group as a scenario declares it. */
export interface GroupOptions {
  name: string;
  minSize: number;
  maxSize: number;
  desiredCapacity: number;
  availabilityZones: string[];
  targetGroupArns?: string[];
  launchTemplateId: string;
  /**
   * A version number, "$Default" or "$Latest". Default: the template's default version by its
   * number, as gantry needs a group to be (it refuses groups on an alias). AWS's own default when
   * CreateAutoScalingGroup names no version is "$Default"; UpdateAutoScalingGroup keeps that.
   */
  launchTemplateVersion?: string;
  tags?: { key: string; value: string; propagateAtLaunch: boolean }[];
  /** Seconds from launch to InService (default 60). */
  bootSeconds?: number;
  /** Seconds an instance leaving Standby stays Pending (default 5). */
  exitStandbySeconds?: number;
  /**
   * "all" (AWS's behaviour): every instance is registered in every attached target group.
   * "spread": each instance joins only the attached group with the fewest targets, to model a
   * fleet larger than the 1,000-targets-per-target-group quota.
   */
  targetGroupMembership?: "all" | "spread";
  healthCheckType?: "EC2" | "ELB";
  /**
   * Ages in seconds of the warm instances, in launch order: instance i was launched (EC2
   * LaunchTime) that long before now. Missing entries: launched now.
   */
  instanceAgesSeconds?: number[];
}

/** Creates a target group; returns its ARN. */
export function createTargetGroup(fleet: Fleet, options: TargetGroupOptions): string {
  const record: TargetGroupRecord = {
    arn: fleet.ids.targetGroupArn(options.name),
    name: options.name,
    port: options.port ?? 80,
    healthCheckPath: options.healthCheckPath ?? "/health",
    intervalSeconds: within("healthCheckIntervalSeconds", options.healthCheckIntervalSeconds ?? 10, 5, 300),
    healthyThreshold: within("healthyThreshold", options.healthyThreshold ?? 2, 2, 10),
    unhealthyThreshold: within("unhealthyThreshold", options.unhealthyThreshold ?? 2, 2, 10),
    deregistrationDelaySeconds: within("deregistrationDelaySeconds", options.deregistrationDelaySeconds ?? 30, 0, 3600),
    maxTargets: options.maxTargets ?? TARGETS_PER_TARGET_GROUP,
    loadBalancerArns: [fleet.ids.loadBalancerArn(options.loadBalancerName ?? "gantry-alb")],
    targets: new Map(),
  };
  if ([...fleet.targetGroups.values()].some((tg) => tg.name === record.name)) {
    throw new LocalCloudSetupError(`A target group named ${record.name} already exists.`);
  }
  fleet.targetGroups.set(record.arn, record);
  return record.arn;
}

/**
 * Creates a group whose instances are already running: InService, registered and healthy as of
 * now, each carrying the group's propagated tags. Returns the group's ARN.
 */
export function createGroup(fleet: Fleet, options: GroupOptions): string {
  const { name, minSize, maxSize, desiredCapacity } = options;
  if (fleet.groups.has(name)) throw new LocalCloudSetupError(`An Auto Scaling group named ${name} already exists.`);
  if (!(minSize <= desiredCapacity && desiredCapacity <= maxSize)) {
    throw new LocalCloudSetupError(`Group ${name} needs min <= desired <= max, got ${minSize} <= ${desiredCapacity} <= ${maxSize}.`);
  }
  if (options.availabilityZones.length === 0) {
    throw new LocalCloudSetupError(`Group ${name} needs at least one Availability Zone.`);
  }
  const targetGroupArns = options.targetGroupArns ?? [];
  const unknown = targetGroupArns.filter((arn) => !fleet.targetGroups.has(arn));
  if (unknown.length > 0) {
    throw new LocalCloudSetupError(`Group ${name} names unknown target groups: ${unknown.join(", ")}.`);
  }
  assertQuotaRoom(fleet, options, targetGroupArns);
  const template = fleet.launchTemplates.find({ LaunchTemplateId: options.launchTemplateId });
  const version = options.launchTemplateVersion ?? String(template.defaultVersion);
  fleet.launchTemplates.version(template, version);
  const now = fleet.clock.now();
  const group: GroupRecord = {
    name,
    arn: fleet.ids.autoScalingGroupArn(name),
    minSize,
    maxSize,
    desiredCapacity,
    availabilityZones: [...options.availabilityZones],
    targetGroupArns: [...targetGroupArns],
    healthCheckType: options.healthCheckType ?? "EC2",
    launchTemplate: { id: template.id, version },
    tags: new Map((options.tags ?? []).map((t) => [t.key, { value: t.value, propagateAtLaunch: t.propagateAtLaunch }])),
    suspended: new Map(),
    bootMs: (options.bootSeconds ?? 60) * 1000,
    exitStandbyMs: (options.exitStandbySeconds ?? 5) * 1000,
    membership: options.targetGroupMembership ?? "all",
    instanceIds: new Set(),
    countedByAz: new Map(),
    failNextLaunches: [],
    createdAt: now,
    activities: [],
  };
  fleet.groups.set(name, group);
  for (let i = 0; i < desiredCapacity; i++) {
    const instance = fleet.launch(group, now, true);
    const age = options.instanceAgesSeconds?.[i];
    if (age !== undefined) {
      if (!(age >= 0)) throw new LocalCloudSetupError(`Group ${name}: instanceAgesSeconds[${i}] must be 0 or more, got ${age}.`);
      instance.launchTime = launchTimeAt(now - age * 1000);
      instance.bootedAt = now - age * 1000;
    }
  }
  return group.arn;
}

/** A warm fleet must fit the 1,000-targets-per-target-group quota before any instance exists. */
function assertQuotaRoom(fleet: Fleet, options: GroupOptions, arns: string[]): void {
  const rooms = arns.map((arn) => {
    const tg = fleet.targetGroups.get(arn)!;
    return tg.maxTargets - tg.targets.size;
  });
  if (rooms.length === 0) return;
  const fits =
    options.targetGroupMembership === "spread" ? rooms.reduce((a, b) => a + b, 0) >= options.desiredCapacity : Math.min(...rooms) >= options.desiredCapacity;
  if (!fits) {
    throw new LocalCloudSetupError(
      `Group ${options.name} with ${options.desiredCapacity} instances exceeds the quota of ${Math.min(...arns.map((arn) => fleet.targetGroups.get(arn)!.maxTargets))} targets per target group; ` +
        `attach more target groups with targetGroupMembership "spread".`,
    );
  }
}

function within(option: string, value: number, min: number, max: number): number {
  if (value < min || value > max) {
    throw new LocalCloudSetupError(`${option} must be between ${min} and ${max} (ALB limits), got ${value}.`);
  }
  return value;
}
