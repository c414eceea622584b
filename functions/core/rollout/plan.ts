import { planBatchSizes, shareOf } from "./batches.js";
import { InvalidDeployInputError, MaxSizeTooSmallError, RolloutInProgressError, TargetGroupNotAttachedError, UnhealthyFleetError } from "../errors.js";
import { agedInstance, cycleBatchSizes, cycleRelease, cycleSplit, planCycle, type AgedInstance, type CyclePlan } from "../cycle/cycle.js";
import { RELEASE_TAG, isServing, viewFleet, type ObservedGroup, type TargetHealth } from "../fleet.js";
import type { DeployInput } from "../config/input.js";
import { inPlaceCriticalPath, type CriticalPath } from "./critical-path.js";
import { checkInPlace } from "./in-place.js";
import { chooseRetirees } from "./retirees.js";
import { approvalBatches } from "./approvals.js";

/** Settings of a target group that decide how long gantry waits for it. */
export interface TargetGroupTiming {
  arn: string;
  healthCheckIntervalSeconds: number;
  healthyThresholdCount: number;
  deregistrationDelaySeconds: number;
}

/** What a deploy will do, decided once before anything changes. Small: no instance lists. */
export interface RolloutPlan {
  release: string;
  previousRelease: string | null;
  /** Old instances at the start. A cycle run may replace fewer: see `cycle.leftForNextRun`. */
  toReplace: number;
  alreadyOnRelease: number;
  batchSizes: number[];
  batchCount: number;
  /** Instances that must keep serving at every moment. */
  floor: number;
  baseline: { desiredCapacity: number; minSize: number; maxSize: number };
  launchTemplate: { id: string; version: string } | null;
  /** Processes gantry suspends and must resume (those already suspended are left alone). */
  suspend: string[];
  drainSeconds: number;
  healthyAfterSeconds: number;
  /**
   * Old instances a rollback brings back at once: the largest batch (the rollout proved the
   * target groups and MaxSize hold that many extra), or more where the target groups have room
   * under the account's targets-per-target-group quota (`targetQuota`).
   */
  rollbackWave: number;
  /** The targets-per-target-group quota the rollback waves were sized from, and where it came from. */
  targetQuota: TargetQuota;
  startedAt: number;
  /**
   * A deploy with nothing to replace to a group not yet marked with its release, typically one a
   * schedule stopped (0/0/0): "Mark the release" tags the group (and selects the launch template
   * version) so its next start boots the release; nothing is launched or suspended.
   */
  markOnly?: boolean;
  /**
   * "in-place": the batches run the release's deploy command on the instances the group has
   * (strategy.mode); absent: new instances replace old ones. Cycle runs always replace.
   */
  mode?: "in-place";
  /** Cycle runs only: the age limit and the launch time that splits old from new. */
  cycle?: CyclePlan;
  /** The batches (0-based) after whose bake the deploy waits for a person (strategy.approveAfter). */
  approvals?: number[];
  /** Dry runs only: which instances each batch would retire. */
  preview?: BatchPreview[];
  /** Dry runs of in-place deploys: the least time the batches take, from the waits they cannot avoid. */
  criticalPath?: CriticalPath;
}

export interface BatchPreview {
  batch: number;
  size: number;
  byZone: Record<string, number>;
  instanceIds?: string[];
  /** Cycle dry runs: each instance with its zone and age (same limit as instanceIds). */
  instances?: AgedInstance[];
}

const PREVIEW_ID_LIMIT = 100;

/** ELB's default "targets per target group" quota (adjustable, per region). */
export const TARGETS_PER_GROUP_QUOTA = 1000;

/** The account's targets-per-target-group quota as a deploy sees it. */
export interface TargetQuota {
  value: number;
  /** "service-quotas": read from the account; "default": the read failed, see `note`. */
  source: "service-quotas" | "default";
  note?: string;
}

export const DEFAULT_TARGET_QUOTA: TargetQuota = { value: TARGETS_PER_GROUP_QUOTA, source: "default" };

/**
 * How many instances a rollback may hold above the group's starting capacity (old ones back
 * from Standby, new ones not yet gone or still draining, the failed batch's surge) without any
 * target group going over `quota`. Each target group holds its share of them; the share is read
 * from where the targets are now (1 when every instance is in every target group, 1/n when n
 * target groups split the fleet). Never less than the largest batch, which the rollout itself
 * proved fits.
 */
export function rollbackWave(largest: number, targets: readonly TargetHealth[], quota: number): number {
  const counts = new Map<string, number>();
  for (const target of targets) counts.set(target.targetGroupArn, (counts.get(target.targetGroupArn) ?? 0) + 1);
  const busiest = Math.max(0, ...counts.values());
  const instances = new Set(targets.map((target) => target.instanceId)).size;
  const free = Math.max(0, quota - busiest);
  // free ÷ share, in integers: busiest ÷ instances is the share of the fleet the busiest target group holds.
  const room = busiest === 0 ? free : Math.floor((free * instances) / busiest);
  return Math.max(1, largest, room);
}

/**
 * Checks every precondition and plans the rollout; throws before anything is touched when the
 * group cannot take a deploy safely.
 */
export function planRollout(
  input: DeployInput,
  group: ObservedGroup,
  targets: readonly TargetHealth[],
  timings: readonly TargetGroupTiming[],
  now: number,
  targetQuota: TargetQuota = DEFAULT_TARGET_QUOTA,
): RolloutPlan {
  const cycle = input.mode === "cycle" ? planCycle(input.cycle?.maxAge ?? "", now) : undefined;
  const release = cycle ? cycleRelease(group) : (input.release?.id ?? "");
  const split = cycle ? cycleSplit(cycle) : undefined;
  const strategy = input.strategy;
  const detached = input.group.targetGroupArns.filter((arn) => !group.targetGroupArns.includes(arn));
  if (detached.length > 0) {
    throw new TargetGroupNotAttachedError(
      `Target group ${detached.join(", ")} is not attached to Auto Scaling group "${group.name}" (attached: ${group.targetGroupArns.join(", ") || "none"}); attach it or fix group.targetGroupArns.`,
    );
  }
  const imageId = input.release?.imageId;
  if (imageId && !group.launchTemplate) {
    throw new InvalidDeployInputError(
      `release.imageId "${imageId}" needs a launch template, but group "${group.name}" has none; switch the group to a launch template or omit imageId.`,
    );
  }
  const view = viewFleet(group, targets, release, split);
  const inStandby = group.instances.filter((instance) => instance.lifecycleState.includes("Standby"));
  if (inStandby.length > 0) {
    throw new RolloutInProgressError(
      `Group "${group.name}" has ${inStandby.length} instance(s) in Standby (${inStandby
        .slice(0, 5)
        .map((i) => i.id)
        .join(
          ", ",
        )}): another rollout is running or was left unfinished; \`gantry recover ${input.app} ${input.env}\` restores a rollout gantry left unfinished, otherwise exit or terminate them first.`,
    );
  }
  // A cycle never lets a group that serves drop to zero, whatever minHealthyPercent says.
  const floor = Math.max(cycle && group.desiredCapacity > 0 ? 1 : 0, shareOf(strategy.minHealthyPercent, group.desiredCapacity));
  if (view.serving < floor) {
    throw new UnhealthyFleetError(
      `Only ${view.serving} of ${group.desiredCapacity} instances in "${group.name}" are healthy in every target group, below the floor of ${floor} (minHealthyPercent ${strategy.minHealthyPercent}); fix the unhealthy instances or lower minHealthyPercent.`,
    );
  }
  const batchSizes = cycle
    ? cycleBatchSizes(input.cycle?.batchSize ?? 1, group.desiredCapacity, view.old.length, input.cycle?.maxBatchesPerRun)
    : planBatchSizes(strategy.batches, view.old.length);
  const largest = Math.max(0, ...batchSizes);
  const headroom = group.maxSize - group.desiredCapacity;
  const inPlace = !cycle && strategy.mode === "in-place";
  if (inPlace) checkInPlace(group, view, batchSizes, floor, strategy.minHealthyPercent);
  else if (largest > headroom) {
    throw new MaxSizeTooSmallError(
      `Group "${group.name}" has MaxSize ${group.maxSize} and desired ${group.desiredCapacity}, room to surge ${headroom} instance(s), but the largest batch needs ${largest}; raise MaxSize to at least ${group.desiredCapacity + largest} or use smaller batches.`,
    );
  }
  const approvals = cycle ? [] : approvalBatches(strategy.approveAfter, batchSizes, view.old.length);
  const plan: RolloutPlan = {
    release,
    previousRelease: group.tags[RELEASE_TAG] ?? null,
    toReplace: view.old.length,
    alreadyOnRelease: view.fresh.length,
    batchSizes,
    batchCount: batchSizes.length,
    floor,
    baseline: { desiredCapacity: group.desiredCapacity, minSize: group.minSize, maxSize: group.maxSize },
    launchTemplate: group.launchTemplate ? { id: group.launchTemplate.id, version: group.launchTemplate.version } : null,
    suspend: strategy.suspendProcesses.filter((process) => !group.suspendedProcesses.includes(process)),
    drainSeconds: Math.max(0, ...timings.map((timing) => timing.deregistrationDelaySeconds)),
    healthyAfterSeconds: Math.max(0, ...timings.map((t) => t.healthCheckIntervalSeconds * t.healthyThresholdCount)),
    rollbackWave: rollbackWave(largest, targets, targetQuota.value),
    targetQuota,
    startedAt: now,
    ...(inPlace ? { mode: "in-place" as const } : {}),
    ...(approvals.length > 0 ? { approvals } : {}),
    ...(cycle ? { cycle: { ...cycle, leftForNextRun: view.old.length - batchSizes.reduce((sum, size) => sum + size, 0) } } : {}),
  };
  if (!cycle && batchSizes.length === 0 && group.tags[RELEASE_TAG] !== release) {
    plan.markOnly = true;
    plan.suspend = [];
  }
  if (input.dryRun && plan.mode === "in-place") plan.criticalPath = inPlaceCriticalPath(plan, strategy);
  if (input.dryRun) plan.preview = previewBatches(view.old, batchSizes, (id) => isServing(view.health.get(id)), cycle ? now : undefined);
  return plan;
}

function previewBatches(
  old: Parameters<typeof chooseRetirees>[0],
  sizes: readonly number[],
  serving: (id: string) => boolean,
  agesAt?: number,
): BatchPreview[] {
  let remaining = [...old];
  return sizes.map((size, batch) => {
    const chosen = chooseRetirees(remaining, size, (instance) => serving(instance.id));
    const picked = new Set(chosen.map((instance) => instance.id));
    remaining = remaining.filter((instance) => !picked.has(instance.id));
    const byZone: Record<string, number> = {};
    for (const instance of chosen) byZone[instance.availabilityZone] = (byZone[instance.availabilityZone] ?? 0) + 1;
    const preview: BatchPreview = { batch: batch + 1, size, byZone };
    if (old.length <= PREVIEW_ID_LIMIT) preview.instanceIds = chosen.map((instance) => instance.id);
    if (old.length <= PREVIEW_ID_LIMIT && agesAt !== undefined) preview.instances = chosen.map((instance) => agedInstance(instance, agesAt));
    return preview;
  });
}
