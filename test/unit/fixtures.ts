import { RELEASE_TAG, viewFleet, type FleetView, type ObservedGroup, type ObservedInstance, type TargetHealth } from "../../functions/core/fleet.js";
import { parseDeployInput, type DeployInput, type DeployInputRaw, type Strategy } from "../../functions/core/config/input.js";
import type { RolloutPlan, TargetGroupTiming } from "../../functions/core/rollout/plan.js";

/**
 * Hand-built observed state for core tests: the shapes `aws/readGroup` and `aws/readTargetHealth`
 * produce, with readable ids (`i-old001`, `i-new001`) so a failing assertion says which instance.
 */

export const ZONES = ["eu-west-1a", "eu-west-1b", "eu-west-1c"] as const;
export const TG_WEB = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/web/0123456789abcdef";
export const TG_API = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/api/fedcba9876543210";

/** When the deploy under test started. */
export const T0 = Date.parse("2025-03-04T09:00:00.000Z");
export const SECOND = 1_000;
export const HOUR = 3_600 * SECOND;

export interface InstanceOptions {
  /** Id prefix: `old` gives i-old001, i-old002, … */
  prefix?: string;
  release?: string | undefined;
  state?: string;
  launchedAt?: number;
  /** Zones assigned round-robin. */
  zones?: readonly string[];
  /** Number of the first id (so two calls with one prefix do not collide). */
  from?: number;
}

export function instances(count: number, options: InstanceOptions = {}): ObservedInstance[] {
  const { prefix = "old", state = "InService", launchedAt = T0 - 24 * HOUR, zones = ZONES, from = 1 } = options;
  const release = "release" in options ? options.release : "v1";
  return Array.from({ length: count }, (_, index) => {
    const number = from + index;
    return {
      id: `i-${prefix}${String(number).padStart(3, "0")}`,
      availabilityZone: zones[index % zones.length] ?? "eu-west-1a",
      lifecycleState: state,
      ...(release !== undefined ? { release } : {}),
      launchedAt,
      privateIp: `10.0.${Math.floor(number / 250)}.${(number % 250) + 1}`,
    };
  });
}

/** Old instances on v1, launched a day before the deploy. */
export function oldInstances(count: number, options: InstanceOptions = {}): ObservedInstance[] {
  return instances(count, { prefix: "old", release: "v1", ...options });
}

/** New instances on v2, launched a minute into the deploy. */
export function newInstances(count: number, options: InstanceOptions = {}): ObservedInstance[] {
  return instances(count, { prefix: "new", release: "v2", launchedAt: T0 + 60 * SECOND, ...options });
}

/** A group holding `members`; desired capacity defaults to the instances counting toward it. */
export function group(members: ObservedInstance[], overrides: Partial<ObservedGroup> = {}): ObservedGroup {
  const counted = members.filter((instance) => instance.lifecycleState.startsWith("Pending") || instance.lifecycleState === "InService");
  const desiredCapacity = overrides.desiredCapacity ?? counted.length;
  return {
    name: "hello-prod-web",
    minSize: desiredCapacity,
    maxSize: desiredCapacity * 2,
    desiredCapacity,
    availabilityZones: [...ZONES],
    targetGroupArns: [TG_WEB],
    suspendedProcesses: [],
    tags: { [RELEASE_TAG]: "v1" },
    launchTemplate: { id: "lt-0123456789abcdef0", name: "hello-prod", version: "3" },
    instances: members,
    ...overrides,
  };
}

/** One DescribeTargetHealth row per instance per target group. */
export function health(members: readonly ObservedInstance[], state = "healthy", arns: readonly string[] = [TG_WEB], reason?: string): TargetHealth[] {
  return arns.flatMap((arn) => members.map((instance) => ({ targetGroupArn: arn, instanceId: instance.id, state, ...(reason ? { reason } : {}) })));
}

/** A valid execution input for app hello, env prod, release v2; `patch` replaces top-level fields. */
export function deployInput(patch: Partial<DeployInputRaw> = {}): DeployInput {
  return parseDeployInput({
    app: "hello",
    env: "prod",
    release: { id: "v2" },
    group: { autoScalingGroupName: "hello-prod-web", targetGroupArns: [TG_WEB] },
    trigger: { source: "test" },
    ...patch,
  });
}

/** The default strategy with some fields replaced. */
export function strategy(overrides: Partial<Strategy> = {}): Strategy {
  return { ...deployInput().strategy, ...overrides };
}

export function timing(overrides: Partial<TargetGroupTiming> = {}): TargetGroupTiming {
  return { arn: TG_WEB, healthCheckIntervalSeconds: 10, healthyThresholdCount: 3, deregistrationDelaySeconds: 300, ...overrides };
}

/**
 * A plan as planRollout makes it for 10 old instances on v1 replaced by v2 in batches of 2, 4, 4,
 * with the floor at 100% of desired 10 and MaxSize 20.
 */
export function rolloutPlan(overrides: Partial<RolloutPlan> = {}): RolloutPlan {
  const batchSizes = overrides.batchSizes ?? [2, 4, 4];
  return {
    release: "v2",
    previousRelease: "v1",
    toReplace: 10,
    alreadyOnRelease: 0,
    batchSizes,
    batchCount: batchSizes.length,
    floor: 10,
    baseline: { desiredCapacity: 10, minSize: 10, maxSize: 20 },
    launchTemplate: { id: "lt-0123456789abcdef0", version: "3" },
    suspend: ["AZRebalance"],
    drainSeconds: 300,
    healthyAfterSeconds: 30,
    rollbackWave: 986,
    targetQuota: { value: 1000, source: "service-quotas" },
    startedAt: T0,
    ...overrides,
  };
}

/** The fleet split for release v2, as every step sees it. */
export function view(observed: ObservedGroup, targets: readonly TargetHealth[], release = "v2"): FleetView {
  return viewFleet(observed, targets, release);
}

/** Ids of instances, for comparing picks. */
export function ids(members: readonly ObservedInstance[]): string[] {
  return members.map((instance) => instance.id);
}
