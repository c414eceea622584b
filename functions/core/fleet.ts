/**
 * The observed state of one Auto Scaling group, as `aws/` reads it, and the views every
 * rollout decision is derived from. Nothing here is remembered between steps: each step
 * observes the group afresh, which is what makes a retried or redriven step safe.
 */

export interface ObservedInstance {
  id: string;
  availabilityZone: string;
  /** Auto Scaling lifecycle state: Pending, InService, EnteringStandby, Standby, Terminating, ... */
  lifecycleState: string;
  /**
   * The `gantry:release` tag the instance was launched with, if any. Instances in Standby (or
   * entering it) are not described, so they carry no release and no launch time: every split
   * counts them old, which they are, since only a run's retire step parks instances there.
   */
  release?: string;
  /** EC2 does not list the instance yet (eventual consistency): its release is not known. */
  releaseUnknown?: boolean;
  launchedAt?: number;
  privateIp?: string;
}

export interface ObservedGroup {
  name: string;
  minSize: number;
  maxSize: number;
  desiredCapacity: number;
  availabilityZones: string[];
  targetGroupArns: string[];
  suspendedProcesses: string[];
  /** Group tags by key. */
  tags: Record<string, string>;
  launchTemplate?: { id: string; name?: string; version: string };
  instances: ObservedInstance[];
}

/** One row of DescribeTargetHealth. */
export interface TargetHealth {
  targetGroupArn: string;
  instanceId: string;
  state: string;
  reason?: string;
}

export const RELEASE_TAG = "gantry:release";

/** Counts toward desired capacity: AWS launches or terminates to keep these equal to it. */
export function isCounted(instance: ObservedInstance): boolean {
  return instance.lifecycleState.startsWith("Pending") || instance.lifecycleState === "InService";
}

export function isStandby(instance: ObservedInstance): boolean {
  return instance.lifecycleState === "Standby" || instance.lifecycleState === "EnteringStandby";
}

export function isLeaving(instance: ObservedInstance): boolean {
  const state = instance.lifecycleState;
  return state.startsWith("Terminating") || state.startsWith("Detach") || state === "Terminated";
}

/**
 * Launched at or after `moment`, at EC2's resolution: `LaunchTime` is whole seconds, so an
 * instance launched in the same second as `moment` reads as launched before it. Flooring the
 * moment to its second keeps such an instance on the "launched since" side. No launch time
 * reads as launched long ago.
 */
export function launchedSince(instance: ObservedInstance, moment: number): boolean {
  return instance.launchedAt !== undefined && instance.launchedAt >= Math.floor(moment / 1000) * 1000;
}

/** Per instance, the health states reported by every target group it is registered in. */
export function healthByInstance(targets: readonly TargetHealth[]): Map<string, TargetHealth[]> {
  const byInstance = new Map<string, TargetHealth[]>();
  for (const target of targets) {
    const list = byInstance.get(target.instanceId);
    if (list) list.push(target);
    else byInstance.set(target.instanceId, [target]);
  }
  return byInstance;
}

/** Healthy means registered somewhere and `healthy` in every target group that reports it. */
export function isServing(rows: readonly TargetHealth[] | undefined): boolean {
  return rows !== undefined && rows.length > 0 && rows.every((row) => row.state === "healthy");
}

/**
 * How a view tells old instances from current ones. A deploy: by release. A cycle run: by
 * launch time, so the fleet's release never enters into it.
 */
export interface FleetSplit {
  /** True for an instance the run replaces (or, during a rollback, one it brings back). */
  isOld: (instance: ObservedInstance) => boolean;
  /** How progress lines name the two sides, e.g. { fresh: "under 14d", old: "over 14d" }. */
  labels?: { fresh: string; old: string };
}

/** A view of the group split by release and lifecycle, for one target release. */
export interface FleetView {
  group: ObservedGroup;
  /** The release the run rolls out (a cycle run: the one the group already runs). */
  release: string;
  labels?: FleetSplit["labels"];
  health: Map<string, TargetHealth[]>;
  /** Counted instances on the target release. */
  fresh: ObservedInstance[];
  /** Counted instances on any other release. */
  old: ObservedInstance[];
  /** Old instances in Standby or entering it. */
  retired: ObservedInstance[];
  /** New-release instances in Standby or entering it (only during a rollback). */
  freshStandby: ObservedInstance[];
  leaving: ObservedInstance[];
  /**
   * Old instances on their way out of service: entering Standby (draining from the target
   * groups) or terminating. Told apart by the run's own split, so a cycle run, where every
   * instance runs the same release, counts its drains too.
   */
  draining: ObservedInstance[];
  /** Launches the group owes: desired capacity not yet backed by a counted instance. */
  inFlight: number;
  /** Instances receiving traffic now. */
  serving: number;
}

export function viewFleet(group: ObservedGroup, targets: readonly TargetHealth[], release: string, split?: FleetSplit): FleetView {
  const isOld = split?.isOld ?? ((instance: ObservedInstance) => instance.release !== release);
  const health = healthByInstance(targets);
  // An instance whose tags EC2 cannot show yet is neither old nor new: it counts as a launch
  // still owed, so it is never retired by mistake nor launched a second time.
  const counted = group.instances.filter((instance) => isCounted(instance) && !instance.releaseUnknown);
  const unknown = group.instances.filter((instance) => isCounted(instance) && instance.releaseUnknown).length;
  const standby = group.instances.filter(isStandby);
  return {
    group,
    release,
    ...(split?.labels ? { labels: split.labels } : {}),
    health,
    fresh: counted.filter((instance) => !isOld(instance)),
    old: counted.filter(isOld),
    retired: standby.filter(isOld),
    freshStandby: standby.filter((instance) => !isOld(instance)),
    leaving: group.instances.filter(isLeaving),
    draining: group.instances.filter(
      (instance) => (instance.lifecycleState === "EnteringStandby" || instance.lifecycleState.startsWith("Terminating")) && isOld(instance),
    ),
    inFlight: Math.max(unknown, group.desiredCapacity - counted.length),
    serving: counted.filter((instance) => isServing(health.get(instance.id))).length,
  };
}

/** "12 instances: 6 on v2 (6 healthy), 6 on v1 in Standby" — for causes and progress lines. */
export function describeFleet(view: FleetView, release: string): string {
  const healthyFresh = view.fresh.filter((instance) => isServing(view.health.get(instance.id))).length;
  const parts = [`desired ${view.group.desiredCapacity}`];
  const fresh = view.labels?.fresh ?? `on ${release}`;
  if (view.fresh.length > 0) parts.push(`${view.fresh.length} ${fresh} (${healthyFresh} healthy)`);
  const oldReleases = [...new Set(view.old.map((instance) => instance.release ?? "untagged"))].join("/");
  if (view.old.length > 0) parts.push(`${view.old.length} ${view.labels?.old ?? `on ${oldReleases || "previous release"}`} in service`);
  const old = view.labels?.old ?? "old";
  const draining = view.retired.filter((instance) => instance.lifecycleState === "EnteringStandby").length;
  if (draining > 0) parts.push(`${draining} ${old} draining`);
  if (view.retired.length > draining) parts.push(`${view.retired.length - draining} ${old} in Standby`);
  if (view.freshStandby.length > 0) parts.push(`${view.freshStandby.length} ${fresh} in Standby`);
  if (view.leaving.length > 0) parts.push(`${view.leaving.length} terminating`);
  parts.push(`${view.serving} serving`);
  return parts.join(", ");
}
