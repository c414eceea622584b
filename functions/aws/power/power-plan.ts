import type { GantryConfig } from "../../core/config/config.js";
import { ScheduleNotFoundError } from "../../core/errors.js";
import { POWER_POLL_SECONDS, environmentsOfGroup, type PowerInput } from "../../core/power/power.js";
import { conclude, planProgress, type PowerProgress, type TargetProgress } from "../../core/power/power-progress.js";
import { readLock } from "../lock/deploy-lock.js";

/**
 * Plans a run: the schedule from the configuration, the holiday rule, and on a stop the groups
 * a deploy or cycle holds the app/env lock on, which are skipped (stopping a group mid-deploy
 * would wreck the rollout and its rollback). This is a preview: a deploy can take the lock after
 * it, so the stop itself takes each group's locks (`locks`, as `holder`) around the resize.
 * `holder` is the power execution's name.
 */
export async function planPower(config: GantryConfig, input: PowerInput, at: Date, now: number, holder?: string): Promise<PowerProgress> {
  const schedule = config.schedules?.[input.schedule];
  if (!schedule) {
    const known = Object.keys(config.schedules ?? {});
    throw new ScheduleNotFoundError(
      `No schedule "${input.schedule}" in the configuration (configured: ${known.join(", ") || "none"}); check the Scheduler target's input.`,
    );
  }
  const progress = planProgress(input.schedule, schedule, input, at, now);
  if (input.action !== "stop") return progress;
  const targets = await Promise.all(progress.targets.map((target) => skipIfLocked(config, withLocks(config, target), now)));
  return conclude({ ...progress, holder: holder ?? `power-${input.schedule}-stop-${at.getTime()}`, targets }, now, POWER_POLL_SECONDS);
}

function withLocks(config: GantryConfig, target: TargetProgress): TargetProgress {
  const group = target.config.autoScalingGroup;
  return group ? { ...target, locks: environmentsOfGroup(config, group) } : target;
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
