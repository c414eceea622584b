import type { StateValue } from "@aws-sdk/client-cloudwatch";
import { VirtualClock, type Clock } from "../clock.js";
import { LAUNCH_FAILED_MESSAGE, scalingActivityOperations } from "./activities.js";
import { autoScalingOperations } from "./autoscaling.js";
import { CallLog, FaultPlan, operationName, type CallCounts } from "./calls.js";
import { Alarms } from "./cloudwatch.js";
import { consoleOperations } from "./console.js";
import { HealthScript, runningRelease, VirtualInstanceDriver, type InstanceDriver, type ProbeResponse } from "./driver.js";
import { ec2Operations, ec2State } from "./ec2.js";
import { elbv2Operations } from "./elbv2.js";
import { awsError, CloudFault, InstanceUnreachableError, LocalCloudSetupError, LocalCloudUnsupportedError, type Service } from "./errors.js";
import { Fleet } from "./fleet.js";
import { Ids } from "./ids.js";
import { createStandalone, instancePowerOperations, standaloneInstance, type StandaloneOptions } from "./instances-power.js";
import { HostedZones } from "./route53.js";
import { ApiMeter, throttlingCode, TokenBucket, type ApiRates } from "./rates.js";
import { serviceQuotaOperations } from "./service-quotas.js";
import { ParameterStore } from "./ssm.js";
import { RunCommand, type DeployFailure, type SsmAgentState } from "./run-command.js";
import type { ActivityRecord } from "./model.js";
import { routableTargets, servingCount, snapshotGroup, type GroupSnapshot } from "./observe.js";
import type { Operations } from "./operations.js";
import { createGroup, createTargetGroup, type GroupOptions, type TargetGroupOptions } from "./setup.js";
import { TARGETS_PER_TARGET_GROUP } from "./targets.js";

export { attachLocalCloud, activeCloud, setActiveCloud, LOCAL_CLOUD_MIDDLEWARE } from "./attach.js";
export type { LocalCloudClient } from "./attach.js";
export { LocalCloudUnsupportedError, LocalCloudSetupError, InstanceUnreachableError } from "./errors.js";
export { HealthScript, VirtualInstanceDriver, RELEASE_TAG, runningRelease } from "./driver.js";
export type { DeployOutcome, HealthFailure, InstanceDriver, ProbeResponse } from "./driver.js";
export type { DeployFailure, SsmAgentState } from "./run-command.js";
export { LAUNCH_FAILED_MESSAGE } from "./activities.js";
export type { CallCounts } from "./calls.js";
export type { GroupOptions, TargetGroupOptions } from "./setup.js";
export type { GroupSnapshot, InstanceSnapshot } from "./observe.js";
export type { ActivityRecord, VirtualInstance } from "./model.js";
export { TARGETS_PER_TARGET_GROUP } from "./targets.js";
export { ParameterStore } from "./ssm.js";
export { EC2_RATES } from "./rates.js";
export type { ApiRates, BucketRate } from "./rates.js";
export type { StandaloneOptions } from "./instances-power.js";

export interface LocalCloudOptions {
  /** Default: a VirtualClock at Monday 5 January 2026, 09:00 UTC. */
  clock?: Clock;
  region?: string;
  accountId?: string;
  /** Builds the instance driver from the cloud's health script; default: virtual instances. */
  driver?: (health: HealthScript) => InstanceDriver;
  /** How long a Route 53 change stays PENDING before INSYNC (default 30 s). */
  dnsPropagationSeconds?: number;
  /**
   * The account's "targets per target group" quota (default 1,000): what Service Quotas answers,
   * and the limit of every target group created without its own `maxTargets`.
   */
  targetsPerTargetGroup?: number;
  /** API and launch rates (see rates.ts; EC2_RATES are EC2's published buckets); default: none. */
  apiRates?: ApiRates;
  /** Keeps SSM parameters in this file, so separate processes share them (default: in memory). */
  parameterFile?: string;
  /**
   * How long an in-place deploy (SSM Run Command) takes on a virtual instance, and a scripted
   * failure (`failNextDeploy`) on any instance, on the cloud's clock (default 10 s).
   */
  deploySeconds?: number;
}

/** SDK client class name → service, as the middleware sees it in `context.clientName`. */
const CLIENTS: Record<string, Service> = {
  AutoScalingClient: "autoscaling",
  EC2Client: "ec2",
  ElasticLoadBalancingV2Client: "elbv2",
  CloudWatchClient: "cloudwatch",
  Route53Client: "route53",
  ServiceQuotasClient: "servicequotas",
  SSMClient: "ssm",
};

/**
 * An in-process stand-in for the EC2, Auto Scaling, ELBv2 and CloudWatch calls gantry makes,
 * deterministic and driven by its Clock. SDK clients reach it through `attachLocalCloud`;
 * scenarios and tests use the plain methods below to set it up, script it and look inside.
 */
export class LocalCloud {
  readonly clock: Clock;
  /** Scripted health of releases and instances, read by the virtual driver. */
  readonly health: HealthScript;
  private readonly fleet: Fleet;
  private readonly alarms = new Alarms();
  private readonly callLog = new CallLog();
  private readonly faults = new FaultPlan();
  private readonly services: Record<Service, Operations>;
  private readonly meter: ApiMeter | undefined;
  /** Route 53 hosted zones and their records. */
  readonly dns: HostedZones;
  /** The account's targets-per-target-group quota, as Service Quotas reports it. */
  readonly targetsPerTargetGroup: number;
  /** SSM Parameter Store: the apps' environments. */
  readonly parameters: ParameterStore;
  private readonly runCommand: RunCommand;

  constructor(options: LocalCloudOptions = {}) {
    this.clock = options.clock ?? new VirtualClock();
    this.health = new HealthScript();
    const deploySeconds = options.deploySeconds ?? 10;
    const driver = options.driver ? options.driver(this.health) : new VirtualInstanceDriver(this.health, { deploySeconds });
    const ids = new Ids(options.region ?? "eu-west-1", options.accountId ?? "123456789012");
    this.fleet = new Fleet(this.clock, ids, driver);
    this.dns = new HostedZones(this.clock, ids, (options.dnsPropagationSeconds ?? 30) * 1000);
    this.targetsPerTargetGroup = options.targetsPerTargetGroup ?? TARGETS_PER_TARGET_GROUP;
    this.parameters = new ParameterStore(this.clock, options.parameterFile);
    this.runCommand = new RunCommand(this.fleet, { deploySeconds });
    if (options.apiRates) {
      this.meter = new ApiMeter(options.apiRates);
      this.fleet.launchBucket = new TokenBucket(options.apiRates.launches.capacity, options.apiRates.launches.perSecond, this.clock.now());
    }
    this.services = {
      autoscaling: { ...autoScalingOperations(this.fleet), ...scalingActivityOperations(this.fleet) },
      ec2: { ...ec2Operations(this.fleet), ...instancePowerOperations(this.fleet), ...consoleOperations(this.fleet) },
      route53: this.dns.operations(),
      elbv2: elbv2Operations(this.fleet),
      cloudwatch: this.alarms.operations(ids),
      servicequotas: serviceQuotaOperations(ids, () => this.targetsPerTargetGroup),
      ssm: { ...this.parameters.operations(), ...this.runCommand.operations() },
    };
  }

  /**
   * Answers one SDK command as the middleware sees it: first through the API rates, if modelled
   * (waiting on the cloud's clock for a token, or refusing the call), then `handle`.
   */
  async answer(clientName: string, commandName: string, input: object): Promise<object> {
    const service = CLIENTS[clientName];
    if (this.meter && service !== undefined) {
      const operation = operationName(commandName);
      const wait = this.meter.admit(service, operation, this.clock.now());
      if (wait === undefined) {
        this.callLog.count(operation);
        const code = throttlingCode(service);
        throw awsError(service, code, code === "Throttling" ? "Rate exceeded" : "Request limit exceeded.", this.fleet.ids.uuid());
      }
      if (wait > 0) await this.clock.sleep(wait);
    }
    return this.handle(clientName, commandName, input);
  }

  /** Calls the API rates slowed or refused, and how long the slowed ones waited (none without rates). */
  get throttling(): { calls: number; waitedSeconds: number } {
    return { calls: this.meter?.throttled ?? 0, waitedSeconds: (this.meter?.waitedMs ?? 0) / 1000 };
  }

  /**
   * Answers one SDK command as AWS would, as of `clock.now()`: the output with `$metadata`, or
   * the SDK-shaped error. Throws LocalCloudUnsupportedError for anything it does not model.
   */
  handle(clientName: string, commandName: string, input: object): object {
    const service = CLIENTS[clientName];
    const operation = operationName(commandName);
    const run = service === undefined ? undefined : this.services[service][operation];
    if (service === undefined || run === undefined) throw new LocalCloudUnsupportedError(service ?? clientName, operation);
    this.callLog.count(operation);
    const requestId = this.fleet.ids.uuid();
    const fault = this.faults.take(operation);
    if (fault) throw awsError(service, fault.code, fault.message, requestId);
    try {
      this.fleet.settle();
      // Each operation declares its own input type; the SDK has already shaped `input` to it.
      const output = (run as (input: object) => object)(input);
      this.fleet.settle();
      return { ...output, $metadata: { httpStatusCode: 200, requestId, attempts: 1, totalRetryDelay: 0 } };
    } catch (error) {
      if (error instanceof CloudFault) throw awsError(service, error.code, error.message, requestId);
      throw error;
    }
  }

  /** Creates a launch template whose version 1 boots `imageId`; returns its id. */
  createLaunchTemplate(options: { name: string; imageId: string }): string {
    return this.fleet.launchTemplates.create(options.name, options.imageId, this.clock.now()).id;
  }

  /** Creates a target group; returns its ARN. */
  createTargetGroup(options: TargetGroupOptions): string {
    return createTargetGroup(this.fleet, { maxTargets: this.targetsPerTargetGroup, ...options });
  }

  /** Creates a group already running at desired capacity, InService and healthy; returns its ARN. */
  createGroup(options: GroupOptions): string {
    this.fleet.settle();
    return createGroup(this.fleet, options);
  }

  /** Creates an instance outside any Auto Scaling group, running or stopped; returns its id. */
  createInstance(options: StandaloneOptions): string {
    return createStandalone(this.fleet, options).instanceId;
  }

  /** Sets (or with `undefined`, removes) a tag on an instance, as CreateTags/DeleteTags would. */
  tagInstance(instanceId: string, key: string, value: string | undefined): void {
    const instance = this.fleet.instances.get(instanceId);
    if (!instance) throw new LocalCloudSetupError(`No instance ${instanceId} in this local cloud.`);
    if (value === undefined) instance.tags.delete(key);
    else instance.tags.set(key, value);
  }

  /** The standalone instance's next start fails: pending for its start time, then stopped with this reason. */
  failNextStart(instanceId: string, code = "Server.InternalError", message = "Server.InternalError: Internal error on launch"): void {
    standaloneInstance(this.fleet, instanceId).standalone.failNextStart = { code, message };
  }

  /** A standalone instance's EC2 state and public address as of now. */
  instancePower(instanceId: string): { state: string; publicIp?: string } {
    const instance = standaloneInstance(this.fleet, instanceId);
    const state = ec2State(instance, this.clock.now());
    return { state, ...(instance.standalone.publicIp && (state === "running" || state === "pending") ? { publicIp: instance.standalone.publicIp } : {}) };
  }

  /** Creates a public hosted zone (SOA and NS at the apex) for Route 53 calls. */
  createHostedZone(id: string, name: string): void {
    this.dns.create(id, name);
  }

  /** Instances of `releaseId` pass (or fail) health checks from now on. */
  setReleaseHealth(releaseId: string, health: "healthy" | "unhealthy"): void {
    this.health.setRelease(releaseId, health === "healthy", this.clock.now());
  }

  /** One instance passes (or fails) health checks from `fromEpochMs` (default now; never earlier). */
  setInstanceHealth(instanceId: string, healthy: boolean, fromEpochMs?: number): void {
    this.health.setInstance(instanceId, healthy, Math.max(fromEpochMs ?? 0, this.clock.now()));
  }

  /** HTTP GET on the instance's app; rejects with InstanceUnreachableError unless it is running. */
  httpProbe(instanceId: string, path: string): Promise<ProbeResponse> {
    this.fleet.settle();
    const instance = this.fleet.instances.get(instanceId);
    const running = instance?.standalone
      ? ec2State(instance, this.clock.now()) === "running"
      : instance?.lifecycle !== undefined && instance.bootedAt !== undefined;
    if (!instance || !running) {
      return Promise.reject(new InstanceUnreachableError(instanceId));
    }
    return this.fleet.driver.probe(instance, path, this.clock.now());
  }

  /** The next `times` calls of `command` ("DescribeInstances" or "DescribeInstancesCommand") fail with AWS error `errorName`. */
  failNext(command: string, errorName: string, times = 1): void {
    this.faults.add(operationName(command), errorName, times);
  }

  /**
   * The group's next `count` launches fail: Pending for the boot time, then terminated, each
   * recorded as a Failed scaling activity with `statusMessage` (default: Auto Scaling's words for
   * an instance that never reached InService; pass AWS's message for a capacity, IAM or launch
   * template error to script those).
   */
  failLaunches(groupName: string, count: number, statusMessage = LAUNCH_FAILED_MESSAGE): void {
    this.fleet.settle();
    this.fleet.group(groupName).failNextLaunches.push(...Array<string>(count).fill(statusMessage));
  }

  /**
   * The instance's app stops answering from now on, as a killed process would: health checks
   * fail with `Target.FailedHealthChecks` (no connection), probes are refused, its console says so.
   */
  killApp(instanceId: string): void {
    this.fleet.settle();
    this.health.setInstance(instanceId, false, this.clock.now(), "Target.FailedHealthChecks");
  }

  /**
   * The instance's SSM Agent from now on: `online` (default) runs commands; `absent` makes the
   * instance unmanaged (SendCommand refuses it, InvalidInstanceId); `unreachable` leaves its
   * invocations undelivered until the command expires (TimedOut, DeliveryTimedOut); `hangs`
   * receives them and never finishes (InProgress until the execution timeout, then TimedOut,
   * ExecutionTimedOut).
   */
  setSsmAgent(instanceId: string, state: SsmAgentState): void {
    this.fleet.settle();
    this.runCommand.setAgent(instanceId, state, this.clock.now());
  }

  /**
   * The instance's next deploy command fails after `deploySeconds` with this exit code and
   * output; the instance driver is not asked, so the app keeps the release it runs.
   */
  failNextDeploy(instanceId: string, failure: DeployFailure): void {
    this.runCommand.failNextDeploy(instanceId, failure);
  }

  /** The release an instance's app runs: the last in-place deploy's, else its `gantry:release` tag. */
  runningRelease(instanceId: string): string | undefined {
    this.fleet.settle();
    const instance = this.fleet.instances.get(instanceId);
    if (!instance) throw new LocalCloudSetupError(`No instance ${instanceId} in this local cloud.`);
    return runningRelease(instance);
  }

  /** Changes desired capacity as a scaling policy would: within [min, max], not an API call. */
  scaleBySelf(groupName: string, newDesired: number): void {
    this.fleet.settle();
    const group = this.fleet.group(groupName);
    group.desiredCapacity = Math.min(group.maxSize, Math.max(group.minSize, newDesired));
    this.fleet.settle();
  }

  /** Sets a CloudWatch metric alarm's state (creating the alarm if needed). */
  setAlarm(name: string, state: StateValue, reason = `Set by the local cloud to ${state}`): void {
    this.alarms.set(name, state, reason, this.clock.now());
  }

  /** Sets a CloudWatch composite alarm's state (creating it if needed); its rule is not evaluated. */
  setCompositeAlarm(name: string, state: StateValue, reason = `Set by the local cloud to ${state}`): void {
    this.alarms.set(name, state, reason, this.clock.now(), "CompositeAlarm");
  }

  /** API calls answered so far, in total and per operation. */
  get calls(): CallCounts {
    return this.callLog.snapshot();
  }

  resetCalls(): void {
    this.callLog.reset();
  }

  /** Instances receiving traffic: registered, healthy and not draining in some target group. */
  servingCount(groupName: string): number {
    this.fleet.settle();
    return servingCount(this.fleet, groupName);
  }

  /** Targets of the target group that may get new requests now: healthy and not draining. */
  routableTargets(targetGroupArn: string): string[] {
    this.fleet.settle();
    return routableTargets(this.fleet, targetGroupArn);
  }

  /** The group as of now: capacity, instances with lifecycle, release, zone and target states. */
  snapshot(groupName: string): GroupSnapshot {
    this.fleet.settle();
    return snapshotGroup(this.fleet, groupName);
  }

  /** The group's scaling activities so far (launches, terminations, failed launches). */
  activities(groupName: string): readonly ActivityRecord[] {
    this.fleet.settle();
    return [...this.fleet.group(groupName).activities];
  }
}
