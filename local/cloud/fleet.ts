import type { Clock } from "../clock.js";
import { LAUNCH_CAUSE, LAUNCH_ERROR, recordActivity, SCALE_IN_CAUSE, USER_SHUTDOWN } from "./activities.js";
import type { InstanceDriver } from "./driver.js";
import { CloudFault, validationError } from "./errors.js";
import { EventQueue, type ScheduledEvent } from "./events.js";
import type { Ids } from "./ids.js";
import { LaunchTemplates } from "./launch-templates.js";
import { isCounted, launchTimeAt, type GroupRecord, type HealthMemo, type Lifecycle, type TargetGroupRecord, type VirtualInstance } from "./model.js";
import { pickLaunchZone, pickScaleInVictims, pickTargetGroups } from "./placement.js";
import type { TokenBucket } from "./rates.js";
import { assertRoomFor, foldHealthChecks, isServing, registerTarget, startDraining } from "./targets.js";

/** EC2 keeps terminated instances visible to DescribeInstances for about an hour. */
const TERMINATED_VISIBLE_MS = 60 * 60 * 1000;

/**
 * The state of every group, instance and target group, and the rules that move it: launches,
 * lifecycle transitions, registration and draining, reconciliation to desired capacity. Time
 * only moves in `settle`, which replays every transition due by now in time order.
 */
export class Fleet {
  readonly groups = new Map<string, GroupRecord>();
  readonly instances = new Map<string, VirtualInstance>();
  readonly targetGroups = new Map<string, TargetGroupRecord>();
  readonly launchTemplates: LaunchTemplates;
  /** EC2's launch bucket when rates are modelled: launches beyond it wait for the next settle after a refill. */
  launchBucket: TokenBucket | undefined;
  /** Called in every settle once the fleet's due events are applied, for models on the same clock (SSM Run Command). */
  readonly onSettle: ((now: number) => void)[] = [];
  private readonly events = new EventQueue();

  constructor(
    readonly clock: Clock,
    readonly ids: Ids,
    readonly driver: InstanceDriver,
  ) {
    this.launchTemplates = new LaunchTemplates(ids);
  }

  /** The group, or the ValidationError Auto Scaling answers for an unknown name. */
  group(name: string | undefined): GroupRecord {
    const group = this.groups.get(name ?? "");
    if (group) return group;
    throw validationError(`AutoScalingGroup name not found - AutoScalingGroup ${name ?? "null"} not found`);
  }

  /** Applies everything due by `now`, then brings every group to its desired capacity. */
  settle(now: number = this.clock.now()): void {
    for (let event = this.events.popDue(now); event; event = this.events.popDue(now)) this.apply(event);
    for (const hook of this.onSettle) hook(now);
    for (const group of this.groups.values()) this.reconcile(group, now);
  }

  /** Launches or scales in until counted instances equal desired capacity (unless suspended). */
  reconcile(group: GroupRecord, at: number): void {
    let counted = 0;
    for (const n of group.countedByAz.values()) counted += n;
    const gap = group.desiredCapacity - counted;
    if (gap > 0 && !group.suspended.has("Launch")) {
      const allowed = this.launchBucket ? this.launchBucket.takeUpTo(gap, at) : gap;
      for (let i = 0; i < allowed; i++) this.launch(group, at);
    } else if (gap < 0 && !group.suspended.has("Terminate")) {
      const candidates = [...group.instanceIds].map((id) => this.instances.get(id)!).filter((instance) => isCounted(instance.lifecycle));
      const victims = pickScaleInVictims(candidates, -gap, group.availabilityZones, group.launchTemplate.id);
      for (const victim of victims) this.terminate(victim, at, SCALE_IN_CAUSE);
    }
  }

  /**
   * Launches one instance into the least populated zone, with the group's template and tags.
   * A `warm` launch is an instance that was already serving when the scenario began.
   */
  launch(group: GroupRecord, at: number, warm = false): VirtualInstance {
    const template = this.launchTemplates.find({ LaunchTemplateId: group.launchTemplate.id });
    const version = this.launchTemplates.version(template, group.launchTemplate.version);
    const tags = new Map<string, string>();
    for (const [key, tag] of group.tags) if (tag.propagateAtLaunch) tags.set(key, tag.value);
    tags.set("aws:autoscaling:groupName", group.name);
    const instance: VirtualInstance = {
      instanceId: this.ids.instance(),
      reservationId: this.ids.reservation(),
      groupName: group.name,
      availabilityZone: pickLaunchZone(group.availabilityZones, group.countedByAz),
      privateIpAddress: this.ids.privateIp(),
      imageId: version.imageId,
      launchTemplate: { id: template.id, name: template.name, version: version.number },
      launchTime: launchTimeAt(at),
      tags,
      lifecycle: undefined,
      token: 0,
      registeredIn: new Set(),
    };
    const failure = group.failNextLaunches.shift();
    if (failure !== undefined) instance.failLaunchWith = failure;
    this.instances.set(instance.instanceId, instance);
    group.instanceIds.add(instance.instanceId);
    this.driver.onLaunch(instance);
    if (warm) {
      instance.bootedAt = at;
      this.setLifecycle(instance, "InService");
      this.register(instance, at, true);
      return instance;
    }
    this.setLifecycle(instance, "Pending", at + group.bootMs);
    recordActivity(this.ids, group, at, `Launching a new EC2 instance: ${instance.instanceId}`, LAUNCH_CAUSE);
    return instance;
  }

  /** Deregisters from every target group, then Standby once the last one finishes draining. */
  enterStandby(instance: VirtualInstance, at: number): void {
    this.setLifecycle(instance, "EnteringStandby", this.deregister(instance, at));
  }

  /** Pending for the group's exit delay, then InService and registered again. */
  exitStandby(instance: VirtualInstance, at: number): void {
    const group = this.group(instance.groupName);
    this.setLifecycle(instance, "Pending", at + group.exitStandbyMs);
  }

  /** Terminating while its targets drain, then gone from the group and terminated in EC2. */
  terminate(instance: VirtualInstance, at: number, cause: string): void {
    const group = this.group(instance.groupName);
    this.setLifecycle(instance, "Terminating", this.deregister(instance, at));
    recordActivity(this.ids, group, at, `Terminating EC2 instance: ${instance.instanceId}`, cause);
  }

  /** Detaching while its targets drain (nothing to drain from Standby), then out of the group, still running. */
  detach(instance: VirtualInstance, at: number): void {
    this.setLifecycle(instance, "Detaching", this.deregister(instance, at));
  }

  /** EC2 TerminateInstances on an instance no group holds any more. */
  terminateDetached(instance: VirtualInstance, at: number): void {
    instance.terminatedAt = at;
    instance.stateReason = USER_SHUTDOWN;
    this.schedule("forget", instance, at + TERMINATED_VISIBLE_MS);
    this.driver.onTerminate(instance);
  }

  /** Registers a (re)started instance per the group's membership rule; quota errors fail it. */
  register(instance: VirtualInstance, at: number, warm = false): void {
    const group = this.group(instance.groupName);
    if (group.suspended.has("AddToLoadBalancer")) return;
    const attached = group.targetGroupArns.map((arn) => this.targetGroups.get(arn)!);
    const chosen = pickTargetGroups(attached, group.membership);
    chosen.forEach(assertRoomFor);
    for (const tg of chosen) registerTarget(tg, instance, at, warm);
  }

  /** Health of a registered target as of `now`, with every check since the last look folded in. */
  evaluate(tg: TargetGroupRecord, instanceId: string, now: number): HealthMemo | undefined {
    const target = tg.targets.get(instanceId);
    const instance = this.instances.get(instanceId);
    if (!target || !instance) return undefined;
    return foldHealthChecks(tg, target, instance, this.driver, now);
  }

  /** Receiving traffic: registered, healthy and not draining in at least one target group. */
  isServing(instance: VirtualInstance, now: number): boolean {
    for (const arn of instance.registeredIn) {
      const tg = this.targetGroups.get(arn)!;
      this.evaluate(tg, instance.instanceId, now);
      const target = tg.targets.get(instance.instanceId);
      if (target && isServing(target)) return true;
    }
    return false;
  }

  private apply(event: ScheduledEvent): void {
    const instance = this.instances.get(event.instanceId);
    if (!instance) return;
    if (event.kind === "drained") {
      const tg = this.targetGroups.get(event.targetGroupArn ?? "");
      const target = tg?.targets.get(instance.instanceId);
      if (tg && target?.drainingUntil !== undefined && target.drainingUntil <= event.at) {
        tg.targets.delete(instance.instanceId);
        instance.registeredIn.delete(tg.arn);
      }
      return;
    }
    if (event.token !== instance.token) return;
    if (event.kind === "forget") {
      this.instances.delete(instance.instanceId);
    } else if (instance.lifecycle === "Pending") {
      this.finishPending(instance, event.at);
    } else if (instance.lifecycle === "EnteringStandby") {
      this.setLifecycle(instance, "Standby");
    } else if (instance.lifecycle === "Terminating") {
      this.retire(instance, event.at, USER_SHUTDOWN);
    } else if (instance.lifecycle === "Detaching") {
      this.leaveGroup(instance, event.at);
    }
  }

  private finishPending(instance: VirtualInstance, at: number): void {
    let failure = instance.failLaunchWith;
    if (failure === undefined) {
      try {
        this.register(instance, at);
      } catch (error) {
        if (!(error instanceof CloudFault)) throw error;
        failure = `Failed to register with the load balancer: ${error.message}`;
      }
    }
    if (failure === undefined) {
      instance.bootedAt ??= at;
      this.setLifecycle(instance, "InService");
      return;
    }
    const group = this.group(instance.groupName);
    const description =
      instance.bootedAt === undefined ? `Launching a new EC2 instance: ${instance.instanceId}` : `Moving EC2 instance out of Standby: ${instance.instanceId}`;
    this.retire(instance, at, LAUNCH_ERROR);
    recordActivity(this.ids, group, at, description, "the instance failed to enter service", failure);
    this.reconcile(group, at);
  }

  /**
   * Deregisters the instance from one target group: `draining` for the group's deregistration
   * delay, then gone. Returns when draining ends; a target already draining keeps its end.
   */
  drainTarget(instance: VirtualInstance, tg: TargetGroupRecord, at: number): number {
    const target = tg.targets.get(instance.instanceId);
    if (!target) return at;
    if (target.drainingUntil !== undefined) return target.drainingUntil;
    const until = startDraining(tg, target, at);
    this.schedule("drained", instance, until, tg.arn);
    return until;
  }

  /** Starts draining every registration; returns when the last one ends (`at` if none). */
  private deregister(instance: VirtualInstance, at: number): number {
    let end = at;
    for (const arn of instance.registeredIn) end = Math.max(end, this.drainTarget(instance, this.targetGroups.get(arn)!, at));
    return end;
  }

  private retire(instance: VirtualInstance, at: number, reason: { code: string; message: string }): void {
    for (const arn of instance.registeredIn) this.targetGroups.get(arn)?.targets.delete(instance.instanceId);
    instance.registeredIn.clear();
    this.setLifecycle(instance, undefined);
    this.groups.get(instance.groupName)?.instanceIds.delete(instance.instanceId);
    instance.terminatedAt = at;
    instance.stateReason = reason;
    this.schedule("forget", instance, at + TERMINATED_VISIBLE_MS);
    this.driver.onTerminate(instance);
  }

  private leaveGroup(instance: VirtualInstance, at: number): void {
    for (const arn of instance.registeredIn) this.targetGroups.get(arn)?.targets.delete(instance.instanceId);
    instance.registeredIn.clear();
    this.setLifecycle(instance, undefined);
    this.groups.get(instance.groupName)?.instanceIds.delete(instance.instanceId);
    instance.detachedAt = at;
  }

  /** The one place lifecycle changes, so per-zone counts and scheduled events stay consistent. */
  private setLifecycle(instance: VirtualInstance, next: Lifecycle | undefined, until?: number): void {
    const group = this.groups.get(instance.groupName);
    const delta = Number(isCounted(next)) - Number(isCounted(instance.lifecycle));
    if (group && delta !== 0) {
      group.countedByAz.set(instance.availabilityZone, (group.countedByAz.get(instance.availabilityZone) ?? 0) + delta);
    }
    instance.lifecycle = next;
    instance.token++;
    if (until !== undefined) this.schedule("lifecycle", instance, until);
  }

  private schedule(kind: ScheduledEvent["kind"], instance: VirtualInstance, at: number, targetGroupArn?: string): void {
    this.events.push({ at, kind, instanceId: instance.instanceId, token: instance.token, targetGroupArn });
  }
}
