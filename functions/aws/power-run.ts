import type { GantryConfig } from "../core/config.js";
import { ScheduleNotFoundError } from "../core/errors.js";
import { POWER_POLL_SECONDS, environmentsOfGroup, type PowerInput } from "../core/power.js";
import { conclude, planProgress, type PowerProgress, type TargetProgress } from "../core/power-progress.js";
import { readLock } from "./deploy-lock.js";
import { classifyAwsError } from "./errors.js";
import { actOnGroup, checkGroup } from "./power-group-targets.js";
import { actOnInstances, checkInstances } from "./power-instance-targets.js";

/**
 * Plans a run: the schedule from the configuration, the holiday rule, and on a stop the groups
 * a deploy or cycle holds the app/env lock on, which are skipped (stopping a group mid-deploy
 * would wreck the rollout and its rollback).
 */
export async function planPower(config: GantryConfig, input: PowerInput, at: Date, now: number): Promise<PowerProgress> {
  const schedule = config.schedules?.[input.schedule];
  if (!schedule) {
    const known = Object.keys(config.schedules ?? {});
    throw new ScheduleNotFoundError(`No schedule "${input.schedule}" in the configuration (configured: ${known.join(", ") || "none"}); check the Scheduler target's input.`);
  }
  const progress = planProgress(input.schedule, schedule, input, at, now);
  if (input.action !== "stop") return progress;
  const targets = await Promise.all(progress.targets.map((target) => skipIfLocked(config, target, now)));
  return conclude({ ...progress, targets }, now, POWER_POLL_SECONDS);
}

async function skipIfLocked(config: GantryConfig, target: TargetProgress, now: number): Promise<TargetProgress> {
  const group = target.config.autoScalingGroup;
  if (!group) return target;
  for (const { app, env } of environmentsOfGroup(config, group)) {
    const holder = (await readLock(app, env, now))?.holder;
    if (holder && !holder.expired) return { ...target, status: "skipped", detail: `not stopped: ${holder.holder} holds the ${app}/${env} deploy lock` };
  }
  return target;
}

/** The first pass: every working target acted on, each on its own. */
export async function actOnTargets(progress: PowerProgress, now: number): Promise<PowerProgress> {
  const targets = await eachTarget(progress, (target) =>
    target.config.tag ? actOnInstances(progress, target, target.config.tag) : actOnGroup(progress, target, target.config.autoScalingGroup ?? ""),
  );
  return conclude({ ...progress, targets }, now, POWER_POLL_SECONDS);
}

/** Each later pass: every working target observed again. */
export async function checkTargets(progress: PowerProgress, now: number): Promise<PowerProgress> {
  const targets = await eachTarget(progress, (target) =>
    target.config.tag ? checkInstances(progress, target, target.config.tag) : checkGroup(progress, target, target.config.autoScalingGroup ?? ""),
  );
  return conclude({ ...progress, targets }, now, POWER_POLL_SECONDS);
}

/**
 * One target at a time (a schedule names a handful; this keeps within EC2's mutating-call rate).
 * A target's own failure is its outcome and the others go on; a throttled or transient AWS
 * error is thrown instead, so Step Functions retries the whole step, which is idempotent.
 */
async function eachTarget(progress: PowerProgress, step: (target: TargetProgress) => Promise<TargetProgress>): Promise<TargetProgress[]> {
  const results: TargetProgress[] = [];
  for (const target of progress.targets) {
    if (target.status !== "working") {
      results.push(target);
      continue;
    }
    try {
      results.push(await step(target));
    } catch (error) {
      const classified = classifyAwsError(error);
      if ((classified as { transient?: boolean }).transient) throw classified;
      const reason = classified instanceof Error ? `${classified.name}: ${classified.message}` : String(classified);
      results.push({ ...target, status: "failed", detail: reason });
    }
  }
  return results;
}
