import * as z from "zod";
import { InvalidPowerInputError } from "../errors.js";
import type { GantryConfig } from "../config/config.js";
import type { Schedule, ScheduleTarget } from "./schedule-config.js";
import { instantsOf, localParts } from "./schedule-time.js";
import { describeIssues } from "../config/validation.js";

/** The tag that keeps an instance (or a group) running past a stop: `gantry:keep-running-until=<ISO time>`. */
export const KEEP_RUNNING_TAG = "gantry:keep-running-until";
/** The group tag that remembers min/desired/max while a schedule holds the group at 0/0/0. */
export const SAVED_SIZE_TAG = "gantry:power-saved-size";
/** Short, so a client sees the new address soon after a start. */
export const DNS_TTL_SECONDS = 60;
/**
 * How long targets may take before they count as failed: a start waits for both EC2 status
 * checks, which AWS typically passes within a few minutes of `running`; a stop is quicker.
 */
export const POWER_TIMEOUT_SECONDS = { start: 20 * 60, stop: 15 * 60 } as const;
/** Seconds between polls: a turn costs ~9 history events, so a 20-minute start stays under 800. */
export const POWER_POLL_SECONDS = 15;
/**
 * The lease a stop holds a group's app/env deploy lock for while it saves the size and scales to
 * 0: a few Auto Scaling calls. It is released right after; this bounds how long a stop that died
 * in between (Lambda timeout, 120 s in the definition) keeps a deploy or cycle waiting.
 */
export const POWER_LOCK_LEASE_SECONDS = 120;

/** What EventBridge Scheduler passes to the power state machine; `at` pins the time for manual runs and tests. */
export const powerInputSchema = z.object({
  schedule: z.string().min(1, "is empty: name a schedule of the configuration"),
  action: z.enum(["start", "stop"], { error: 'is not "start" or "stop"' }),
  at: z.iso.datetime({ offset: true, error: 'is not an ISO time such as "2026-03-24T08:00:00+02:00"' }).optional(),
});
export type PowerInput = z.infer<typeof powerInputSchema>;

/**
 * What "Plan power" receives: the execution input plus `$.execution` from "Name the run" (the
 * name becomes the lock holder of a stop; the start time is when Scheduler fired).
 */
export const planPowerInputSchema = powerInputSchema.extend({
  execution: z.object({ name: z.string().min(1), startedAt: z.iso.datetime({ offset: true }) }).optional(),
});
export type PlanPowerInput = z.infer<typeof planPowerInputSchema>;

/** Validates the execution input, naming each wrong field. */
export function parsePowerInput(raw: unknown): PowerInput {
  const result = powerInputSchema.safeParse(raw);
  if (result.success) return result.data;
  throw new InvalidPowerInputError(`The power input is invalid:\n  ${describeIssues(raw, result.error.issues).join("\n  ")}`);
}

/** Whether a fired start or stop changes anything: a start on a holiday is a reported no-op. */
export type PowerDecision = { run: true; localDate: string } | { run: false; localDate: string; reason: string };

/**
 * Scheduler fires the cron on every work day (cron cannot list a year's holidays), so the
 * holiday rule lives here: a start whose local date is a holiday does nothing. A stop always
 * runs, so a target someone started by hand on a holiday is still off at night. A start on a
 * day outside the work week runs: only a manual run can fire then, and it means it.
 */
export function decidePower(schedule: Pick<Schedule, "timezone" | "holidays">, action: "start" | "stop", at: Date): PowerDecision {
  const { date } = localParts(schedule.timezone, at);
  if (action === "start" && schedule.holidays.includes(date)) {
    return { run: false, localDate: date, reason: `${date} is a holiday of this schedule (${schedule.timezone}): nothing started` };
  }
  return { run: true, localDate: date };
}

/** What a keep-running-until tag means at a stop. */
export type KeepRunning = { keep: false } | { keep: true; until: string; reason: string };

/**
 * Reads a `gantry:keep-running-until` value at instant `at`. A time with an offset or `Z` is
 * absolute; a local `YYYY-MM-DDTHH:mm` is read in the schedule's timezone (a wall time skipped
 * by DST counts from the next existing minute). An unreadable value keeps the target running:
 * someone asked for it to stay up, and a night's cost is cheaper than their lost work; the
 * reason says what to fix.
 */
export function keepRunning(value: string | undefined, timezone: string, at: Date): KeepRunning {
  if (value === undefined || value.trim() === "") return { keep: false };
  const text = value.trim();
  const until = untilInstant(text, timezone);
  if (until === undefined) {
    return {
      keep: true,
      until: text,
      reason: `${KEEP_RUNNING_TAG}=${text} is not an ISO time such as 2026-03-24T21:00 or 2026-03-24T19:00:00Z: kept running; fix or remove the tag`,
    };
  }
  if (until.getTime() <= at.getTime()) return { keep: false };
  return { keep: true, until: until.toISOString(), reason: `${KEEP_RUNNING_TAG} until ${until.toISOString()}` };
}

function untilInstant(text: string, timezone: string): Date | undefined {
  if (z.iso.datetime({ offset: true }).safeParse(text).success) return new Date(text);
  const local = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(?::00)?$/.exec(text);
  const [date, time] = [local?.[1], local?.[2]];
  // Date.parse rolls 30 February over into March; a round trip catches dates that do not exist.
  const wall = date && time ? new Date(`${date}T${time}:00Z`) : undefined;
  if (!date || !time || !wall || Number.isNaN(wall.getTime()) || !wall.toISOString().startsWith(`${date}T${time}`)) return undefined;
  const exact = instantsOf(timezone, date, time)[0];
  if (exact) return exact;
  // In a spring-forward gap: the wall clock jumps past it, so the first minute that exists after it.
  for (let minutes = 1; minutes <= 180; minutes += 1) {
    const later = new Date(wall.getTime() + minutes * 60_000).toISOString();
    const found = instantsOf(timezone, later.slice(0, 10), later.slice(11, 16))[0];
    if (found) return found;
  }
  return undefined;
}

/** Min, desired and max of a group, as saved while it is off. */
export interface GroupSize {
  min: number;
  desired: number;
  max: number;
}

/** `min=1 desired=4 max=6`: characters every AWS tag value accepts. */
export function formatSavedSize(size: GroupSize): string {
  return `min=${size.min} desired=${size.desired} max=${size.max}`;
}

/** The size a SAVED_SIZE_TAG value holds, or undefined when it is not one gantry wrote. */
export function parseSavedSize(value: string | undefined): GroupSize | undefined {
  const match = /^min=(\d+) desired=(\d+) max=(\d+)$/.exec(value?.trim() ?? "");
  if (!match) return undefined;
  const [min, desired, max] = [Number(match[1]), Number(match[2]), Number(match[3])];
  return min <= desired && desired <= max ? { min, desired, max } : undefined;
}

/** How a target reads in outputs: `instances tagged gantry:schedule=office-hours`, `group hello-dev`. */
export function targetLabel(target: Pick<ScheduleTarget, "tag" | "autoScalingGroup">): string {
  return target.tag ? `instances tagged ${target.tag}` : `group ${target.autoScalingGroup ?? ""}`;
}

/** `gantry:schedule=office-hours` → `{ key: "gantry:schedule", value: "office-hours" }`. */
export function splitTag(tag: string): { key: string; value: string } {
  const at = tag.indexOf("=");
  return { key: tag.slice(0, at), value: tag.slice(at + 1) };
}

/** The app/envs whose configured group is `group`: their deploy lock guards it. */
export function environmentsOfGroup(config: Pick<GantryConfig, "apps">, group: string): { app: string; env: string }[] {
  return Object.entries(config.apps).flatMap(([app, settings]) =>
    Object.entries(settings.environments).flatMap(([env, environment]) => (environment.group.autoScalingGroupName === group ? [{ app, env }] : [])),
  );
}
