import * as z from "zod";
import { decidePower, POWER_POLL_SECONDS, POWER_TIMEOUT_SECONDS, targetLabel, type PowerInput } from "./power.js";
import { targetSchema, type Schedule, type ScheduleTarget } from "./schedule-config.js";

/**
 * The power execution's state: one entry per configured target (a handful), never one per
 * instance: a tag can match dozens of instances, so each step reads them afresh by tag and
 * the state keeps counts and at most a few ids of failures.
 */
export interface TargetProgress {
  target: string;
  config: ScheduleTarget;
  status: "working" | "done" | "skipped" | "failed";
  detail: string;
  counts?: Record<string, number>;
  /** The Route 53 change to wait for before the target is done. */
  dnsChange?: string;
  /** A group's app/env deploy locks, which a stop takes around its resize (set by the plan of a stop). */
  locks?: { app: string; env: string }[];
}

export interface PowerProgress {
  schedule: string;
  action: "start" | "stop";
  /** The instant decisions are made for (holidays, overrides), ISO. */
  at: string;
  localDate: string;
  timezone: string;
  /** Epoch ms after which targets still working have failed. */
  deadline: number;
  /** Who holds a deploy lock while a stop resizes a group: the power execution's name. */
  holder?: string;
  /** Set when the whole run is a no-op (a start on a holiday). */
  noop?: string;
  targets: TargetProgress[];
  done: boolean;
  failed: number;
  waitSeconds: number;
  summary: string;
}

const targetProgressSchema = z.object({
  target: z.string(),
  config: targetSchema,
  status: z.enum(["working", "done", "skipped", "failed"]),
  detail: z.string(),
  counts: z.record(z.string(), z.number()).optional(),
  dnsChange: z.string().optional(),
  locks: z.array(z.object({ app: z.string(), env: z.string() })).optional(),
});

/**
 * `$.power` as "Power the targets" and "Check the targets" receive it: what "Plan power" (or
 * the previous check) returned, checked before a step acts on it, so a hand-edited redrive
 * input fails with the field that is wrong rather than halfway through the targets.
 */
export const powerProgressSchema: z.ZodType<PowerProgress> = z.object({
  schedule: z.string().min(1),
  action: z.enum(["start", "stop"]),
  at: z.iso.datetime({ offset: true }),
  localDate: z.string(),
  timezone: z.string(),
  deadline: z.number(),
  holder: z.string().optional(),
  noop: z.string().optional(),
  targets: z.array(targetProgressSchema),
  done: z.boolean(),
  failed: z.number().int().nonnegative(),
  waitSeconds: z.number().nonnegative(),
  summary: z.string(),
});

/**
 * The run's starting point: every configured target working, or the whole run a no-op when a
 * start falls on a holiday. `at` decides holidays and overrides; `now` starts the deadline.
 */
export function planProgress(name: string, schedule: Schedule, input: Pick<PowerInput, "action">, at: Date, now: number): PowerProgress {
  const decision = decidePower(schedule, input.action, at);
  const targets: TargetProgress[] = schedule.targets.map((config) => ({ target: targetLabel(config), config, status: "working", detail: "planned" }));
  const progress: PowerProgress = {
    schedule: name,
    action: input.action,
    at: at.toISOString(),
    localDate: decision.localDate,
    timezone: schedule.timezone,
    deadline: now + POWER_TIMEOUT_SECONDS[input.action] * 1000,
    ...(decision.run ? {} : { noop: decision.reason }),
    targets: decision.run ? targets : [],
    done: !decision.run,
    failed: 0,
    waitSeconds: POWER_POLL_SECONDS,
    summary: "",
  };
  return { ...progress, summary: summarize(progress, progress.targets, progress.done) };
}

/** Ids listed in an outcome; beyond this, a count ("and 37 more"). */
const IDS_SHOWN = 5;

/** An instance as the power steps observe it. */
export interface PoweredInstance {
  id: string;
  state: string;
  publicIp?: string;
  /** Both status checks ok (start only). */
  checksOk?: boolean;
  stateReason?: string;
  /** Kept running by its override (stop only). */
  kept?: string;
}

/** Where a tag target stands: still moving, or settled with the addresses that answer. */
export type InstancesVerdict =
  | { settled: false; counts: Record<string, number>; detail: string }
  | { settled: true; counts: Record<string, number>; failed: string[]; addresses: string[]; detail: string };

/**
 * A start is settled when no instance is pending or running with status checks still
 * initializing; an instance back in `stopped` after the start failed to start (EC2 puts a
 * failed start back there, with a StateReason).
 */
export function assessStart(instances: readonly PoweredInstance[]): InstancesVerdict {
  const ready = instances.filter((i) => i.state === "running" && i.checksOk);
  const failed = instances.filter((i) => i.state === "stopped" || i.state === "stopping" || i.state === "shutting-down");
  const counts = { instances: instances.length, ready: ready.length, starting: instances.length - ready.length - failed.length, failed: failed.length };
  if (counts.starting > 0)
    return { settled: false, counts, detail: `${counts.starting} of ${instances.length} starting (pending or status checks initializing)` };
  const why = failed.map((i) => `${i.id}${i.stateReason ? ` (${i.stateReason})` : ""}`);
  return {
    settled: true,
    counts,
    failed: failed.map((i) => i.id),
    addresses: ready.flatMap((i) => (i.publicIp ? [i.publicIp] : [])).sort(),
    detail: failed.length > 0 ? `${failed.length} of ${instances.length} did not start: ${listed(why)}` : `${ready.length} running, status checks ok`,
  };
}

/** A stop is settled when every instance not kept by its override is stopped. */
export function assessStop(instances: readonly PoweredInstance[]): InstancesVerdict {
  const kept = instances.filter((i) => i.kept);
  const stopped = instances.filter((i) => !i.kept && i.state === "stopped");
  const moving = instances.length - kept.length - stopped.length;
  const counts = { instances: instances.length, stopped: stopped.length, kept: kept.length, stopping: moving };
  const keptNote = kept.length > 0 ? `; kept running: ${listed(kept.map((i) => `${i.id} (${i.kept})`))}` : "";
  if (moving > 0) return { settled: false, counts, detail: `${moving} of ${instances.length} still stopping${keptNote}` };
  return {
    settled: true,
    counts,
    failed: [],
    addresses: kept.flatMap((i) => (i.state === "running" && i.publicIp ? [i.publicIp] : [])).sort(),
    detail: `${stopped.length} stopped${keptNote}`,
  };
}

/** What to do to a DNS record so it points at `addresses` and at nothing else. */
export function dnsChangeFor(current: { ttl: number; values: string[] } | undefined, addresses: readonly string[], ttl: number): "upsert" | "delete" | "none" {
  if (addresses.length === 0) return current ? "delete" : "none";
  const same = current && current.ttl === ttl && [...current.values].sort().join() === [...addresses].sort().join();
  return same ? "none" : "upsert";
}

/** Ids for an outcome line: the first few and a count of the rest. */
export function listed(items: readonly string[]): string {
  if (items.length <= IDS_SHOWN) return items.join(", ");
  return `${items.slice(0, IDS_SHOWN).join(", ")} and ${items.length - IDS_SHOWN} more`;
}

/** Marks targets still working past the deadline as failed, then sums up the run. */
export function conclude(progress: PowerProgress, now: number, waitSeconds: number): PowerProgress {
  const late = now >= progress.deadline;
  const targets = progress.targets.map((target) =>
    late && target.status === "working" ? { ...target, status: "failed" as const, detail: `timed out: ${target.detail}` } : target,
  );
  const done = targets.every((target) => target.status !== "working");
  const failed = targets.filter((target) => target.status === "failed").length;
  return { ...progress, targets, done, failed, waitSeconds, summary: summarize(progress, targets, done) };
}

/** One line per target: what the run did to it. Also the Fail state's cause when a target failed. */
export function summarize(
  progress: Pick<PowerProgress, "schedule" | "action" | "localDate" | "noop">,
  targets: readonly TargetProgress[],
  done = true,
): string {
  const head = `${progress.action} of schedule ${progress.schedule} on ${progress.localDate}`;
  if (progress.noop) return `${head}: nothing to do, ${progress.noop}.`;
  const failed = targets.filter((target) => target.status === "failed").length;
  const verdict = !done ? "in progress" : failed > 0 ? `${failed} of ${targets.length} target(s) failed` : "every target done";
  return [`${head}: ${verdict}.`, ...targets.map((target) => `${target.target}: ${target.status}, ${target.detail}`)].join("\n");
}
