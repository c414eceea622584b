/**
 * The records the local cloud keeps. Time-dependent facts are stored as timestamps and
 * evaluated "as of now" when read, never advanced by timers.
 */

/** Auto Scaling lifecycle states the model uses (a subset of the SDK's LifecycleState). */
export type Lifecycle = "Pending" | "InService" | "EnteringStandby" | "Standby" | "Terminating" | "Detaching";

/**
 * An instance's `LaunchTime` as EC2 keeps it: whole seconds (DescribeInstances answers such as
 * `2012-05-25T07:34:27.000Z`). Kept that coarse here too, so code comparing it with a
 * millisecond clock fails locally as it would on AWS.
 */
export function launchTimeAt(at: number): number {
  return Math.floor(at / 1000) * 1000;
}

/** Instances that count toward desired capacity, as AWS counts them (Standby ones do not). */
export function isCounted(lifecycle: Lifecycle | undefined): boolean {
  return lifecycle === "Pending" || lifecycle === "InService";
}

export interface LaunchTemplateVersionRecord {
  number: number;
  imageId: string;
  description?: string;
  createdAt: number;
}

export interface LaunchTemplateRecord {
  id: string;
  name: string;
  defaultVersion: number;
  versions: Map<number, LaunchTemplateVersionRecord>;
  latestVersion: number;
}

/** A target's health-check history, folded into the few numbers the next check needs. */
export interface HealthMemo {
  state: "initial" | "healthy" | "unhealthy";
  passes: number;
  failures: number;
  /** Time of the last health check already folded in (registration time before the first). */
  checkedThrough: number;
  /** When `state` last changed. */
  changedAt: number;
  /** Why the last failing check failed (ELB's reason code), while it is `unhealthy`. */
  failure?: "Target.ResponseCodeMismatch" | "Target.Timeout" | "Target.FailedHealthChecks";
}

export interface TargetRecord {
  instanceId: string;
  port: number;
  registeredAt: number;
  health: HealthMemo;
  /** Set while deregistering: the load balancer stops sending requests and health checks. */
  drainingUntil?: number;
}

export interface TargetGroupRecord {
  arn: string;
  name: string;
  port: number;
  healthCheckPath: string;
  intervalSeconds: number;
  healthyThreshold: number;
  unhealthyThreshold: number;
  deregistrationDelaySeconds: number;
  /** Quota of registered targets (AWS default 1,000, adjustable). */
  maxTargets: number;
  loadBalancerArns: string[];
  targets: Map<string, TargetRecord>;
}

export interface GroupTag {
  value: string;
  propagateAtLaunch: boolean;
}

export interface GroupRecord {
  name: string;
  arn: string;
  minSize: number;
  maxSize: number;
  desiredCapacity: number;
  availabilityZones: string[];
  targetGroupArns: string[];
  healthCheckType: "EC2" | "ELB";
  launchTemplate: { id: string; version: string };
  tags: Map<string, GroupTag>;
  suspended: Map<string, string>;
  bootMs: number;
  exitStandbyMs: number;
  membership: "all" | "spread";
  /** Ids of instances in the group, Terminating ones included, in launch order. */
  instanceIds: Set<string>;
  /** Kept in step with lifecycle changes so reconciling a 5,000-instance group is O(1). */
  countedByAz: Map<string, number>;
  /** The StatusMessage of each of the next launches that fail (`failLaunches`), in order. */
  failNextLaunches: string[];
  createdAt: number;
  activities: ActivityRecord[];
}

export interface ActivityRecord {
  activityId: string;
  at: number;
  description: string;
  cause: string;
  status: "Successful" | "Failed" | "InProgress";
  statusMessage?: string;
}

export interface VirtualInstance {
  instanceId: string;
  reservationId: string;
  groupName: string;
  availabilityZone: string;
  privateIpAddress: string;
  imageId: string;
  launchTemplate: { id: string; name: string; version: number };
  launchTime: number;
  tags: Map<string, string>;
  /**
   * The release an in-place deploy (SSM Run Command) installed, once one has finished; until then
   * the instance runs what it was launched with, its `gantry:release` tag. See `runningRelease`.
   */
  runningRelease?: string;
  /** Undefined once the instance has left its group (terminated). */
  lifecycle: Lifecycle | undefined;
  /** Bumped on every lifecycle change so scheduled events for an older state are ignored. */
  token: number;
  /** Set at launch when a scripted launch failure is due: the instance never reaches InService. */
  failLaunchWith?: string;
  /** When the instance first reached InService; before that EC2 reports it `pending`. */
  bootedAt?: number;
  registeredIn: Set<string>;
  terminatedAt?: number;
  /** Set once DetachInstances took the instance out of its group: it runs on in EC2 until terminated. */
  detachedAt?: number;
  stateReason?: { code: string; message: string };
  /** Set for an instance outside any Auto Scaling group, started and stopped through EC2 (see instances-power.ts). */
  standalone?: StandalonePower;
}

/**
 * The power state of a standalone instance, as timestamps read "as of now": after StartInstances
 * it is `pending` until `settlesAt`, then `running` (or back to `stopped` when the start fails);
 * after StopInstances `stopping` until `settlesAt`, then `stopped`.
 */
export interface StandalonePower {
  wanted: "running" | "stopped";
  settlesAt: number;
  /** Status checks read `initializing` until then, `ok` after (running instances only). */
  statusOkAt: number;
  /** The public IPv4 address of the current run; a new one at each start, none while stopped. */
  publicIp?: string;
  /** Set when this start fails: the instance goes back to stopped with this reason. */
  startFailure?: { code: string; message: string };
  /** Scripted by failNextStart: the next start fails with it. */
  failNextStart?: { code: string; message: string };
  startMs: number;
  stopMs: number;
  statusCheckMs: number;
}
