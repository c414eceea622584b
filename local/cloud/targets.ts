import type { TargetHealth } from "@aws-sdk/client-elastic-load-balancing-v2";
import type { InstanceDriver } from "./driver.js";
import { CloudFault } from "./errors.js";
import type { HealthMemo, TargetGroupRecord, TargetRecord, VirtualInstance } from "./model.js";

/** ELB quota: registered targets per target group (draining ones still count until removed). */
export const TARGETS_PER_TARGET_GROUP = 1000;

/**
 * Registers an instance. A new target starts `initial`; `warm` targets (a fleet that was already
 * running when the scenario starts) start `healthy` with a full run of passed checks.
 */
export function registerTarget(tg: TargetGroupRecord, instance: VirtualInstance, at: number, warm = false): void {
  assertRoomFor(tg);
  const health: HealthMemo = warm
    ? { state: "healthy", passes: tg.healthyThreshold, failures: 0, checkedThrough: at, changedAt: at }
    : { state: "initial", passes: 0, failures: 0, checkedThrough: at, changedAt: at };
  tg.targets.set(instance.instanceId, { instanceId: instance.instanceId, port: tg.port, registeredAt: at, health });
  instance.registeredIn.add(tg.arn);
}

/** ELB's words for a registration beyond the targets-per-group quota. */
export const tooManyTargets = (tg: TargetGroupRecord): string =>
  `You've reached the limit on the number of targets registered to target group ${tg.name} (${tg.maxTargets}).`;

/** Throws the ELB error for a registration that would exceed the targets-per-group quota. */
export function assertRoomFor(tg: TargetGroupRecord): void {
  if (tg.targets.size >= tg.maxTargets) throw new CloudFault("TooManyTargetsException", tooManyTargets(tg));
}

/** Starts deregistration; returns when draining ends (the target group's deregistration delay). */
export function startDraining(tg: TargetGroupRecord, target: TargetRecord, at: number): number {
  target.drainingUntil = at + tg.deregistrationDelaySeconds * 1000;
  return target.drainingUntil;
}

/**
 * Folds every health check between the last one seen and `now` into the target's memo. Checks run
 * every interval from registration; the driver says how long the instance's answer stays the same,
 * so a stable stretch of any length costs one step. Draining targets are no longer checked.
 */
export function foldHealthChecks(tg: TargetGroupRecord, target: TargetRecord, instance: VirtualInstance, driver: InstanceDriver, now: number): HealthMemo {
  const memo = target.health;
  if (target.drainingUntil !== undefined) return memo;
  const interval = tg.intervalSeconds * 1000;
  let next = memo.checkedThrough + interval;
  while (next <= now) {
    const passes = driver.isHealthy(instance, next);
    const change = driver.nextHealthChange(instance, next);
    const dueByNow = Math.floor((now - next) / interval) + 1;
    const beforeChange = change === undefined ? Infinity : Math.max(1, Math.ceil((change - next) / interval));
    const checks = Math.min(dueByNow, beforeChange);
    applyChecks(memo, tg, passes, checks, next, interval);
    if (!passes) memo.failure = driver.failureReason?.(instance, next) ?? "Target.ResponseCodeMismatch";
    next += checks * interval;
  }
  memo.checkedThrough = next - interval;
  return memo;
}

/** `checks` consecutive checks with the same outcome, the first at `first`. */
function applyChecks(memo: HealthMemo, tg: TargetGroupRecord, passed: boolean, checks: number, first: number, interval: number): void {
  if (passed) {
    memo.failures = 0;
    if (memo.state !== "healthy" && memo.passes + checks >= tg.healthyThreshold) {
      memo.changedAt = first + (tg.healthyThreshold - memo.passes - 1) * interval;
      memo.state = "healthy";
    }
    memo.passes = Math.min(memo.passes + checks, tg.healthyThreshold);
  } else {
    memo.passes = 0;
    if (memo.state !== "unhealthy" && memo.failures + checks >= tg.unhealthyThreshold) {
      memo.changedAt = first + (tg.unhealthyThreshold - memo.failures - 1) * interval;
      memo.state = "unhealthy";
    }
    memo.failures = Math.min(memo.failures + checks, tg.unhealthyThreshold);
  }
}

/** The TargetHealth AWS reports for a registered target, with AWS's reason codes. */
export function describeTargetHealth(target: TargetRecord): TargetHealth {
  if (target.drainingUntil !== undefined) {
    return {
      State: "draining",
      Reason: "Target.DeregistrationInProgress",
      Description: "Target deregistration is in progress",
    };
  }
  switch (target.health.state) {
    case "healthy":
      return { State: "healthy" };
    case "unhealthy":
      return unhealthyTarget(target.health.failure ?? "Target.ResponseCodeMismatch");
    case "initial":
      return target.health.checkedThrough === target.registeredAt
        ? { State: "initial", Reason: "Elb.RegistrationInProgress", Description: "Target registration is in progress" }
        : { State: "initial", Reason: "Elb.InitialHealthChecking", Description: "Initial health checks in progress" };
  }
}

/**
 * An unhealthy target as ELB describes it (TargetHealth, API reference): ResponseCodeMismatch when
 * the health check got another HTTP code, Timeout when it got no answer in time,
 * FailedHealthChecks when no connection could be made (a stopped or killed app) or the answer
 * was malformed.
 */
function unhealthyTarget(failure: NonNullable<HealthMemo["failure"]>): TargetHealth {
  switch (failure) {
    case "Target.ResponseCodeMismatch":
      return { State: "unhealthy", Reason: failure, Description: "Health checks failed with these codes: [503]" };
    case "Target.Timeout":
      return { State: "unhealthy", Reason: failure, Description: "Request timed out" };
    case "Target.FailedHealthChecks":
      return { State: "unhealthy", Reason: failure, Description: "Health checks failed" };
  }
}

/** A target receives new requests when it is healthy and not draining. */
export function isServing(target: TargetRecord): boolean {
  return target.drainingUntil === undefined && target.health.state === "healthy";
}
