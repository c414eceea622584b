import { isStandby } from "../core/fleet.js";
import { KEEP_RUNNING_TAG, SAVED_SIZE_TAG, keepRunning, parseSavedSize } from "../core/power.js";
import { listed, type PowerProgress, type TargetProgress } from "../core/power-progress.js";
import { readGroup } from "./group.js";
import { restoreSize, saveSizeAndStop } from "./power-groups.js";
import { underPowerLocks } from "./power-lock.js";

type Run = Pick<PowerProgress, "action" | "at" | "timezone" | "holder">;

/**
 * Start: restore the saved size. Stop: save the size in a tag, then 0/0/0 (unless kept running),
 * holding the group's app/env deploy locks meanwhile: a deploy or cycle that took one after the
 * plan must not get its group resized under it, so then the group is skipped.
 */
export async function actOnGroup(run: Run, target: TargetProgress, name: string, now: number): Promise<TargetProgress> {
  if (run.action === "start") return startGroup(target, name);
  if (!target.locks?.length) return stopGroup(run, target, name);
  if (!run.holder) throw new TypeError("A stop needs $.power.holder (the power execution's name) from the plan to take the deploy lock.");
  const locked = await underPowerLocks(target.locks, run.holder, now, () => stopGroup(run, target, name));
  if (locked.outcome === "skipped") return { ...target, status: "skipped", detail: `not stopped: ${locked.reason}` };
  return locked.value;
}

async function startGroup(target: TargetProgress, name: string): Promise<TargetProgress> {
  const group = await readGroup(name);
  const saved = parseSavedSize(group.tags[SAVED_SIZE_TAG]);
  if (saved) {
    await restoreSize(name, saved);
    return { ...target, detail: `restoring min ${saved.min}, desired ${saved.desired}, max ${saved.max}` };
  }
  if (group.desiredCapacity > 0) return { ...target, status: "done", detail: `already running (desired ${group.desiredCapacity}); no saved size to restore` };
  return { ...target, status: "failed", detail: `at desired 0 with no ${SAVED_SIZE_TAG} tag: its size before the stop is unknown; set min/desired/max by hand` };
}

async function stopGroup(run: Run, target: TargetProgress, name: string): Promise<TargetProgress> {
  const group = await readGroup(name);
  const size = { min: group.minSize, desired: group.desiredCapacity, max: group.maxSize };
  const saved = parseSavedSize(group.tags[SAVED_SIZE_TAG]);
  const keep = keepRunning(group.tags[KEEP_RUNNING_TAG], run.timezone, new Date(run.at));
  if (keep.keep) return { ...target, status: "skipped", detail: `kept running: ${keep.reason}` };
  // Already off with its size saved (a retried step, or a second stop): saving 0/0/0 over it would lose the size.
  if (saved && size.max === 0) return { ...target, detail: `already at 0/0/0, size saved (${group.tags[SAVED_SIZE_TAG]})` };
  await saveSizeAndStop(name, size);
  return { ...target, detail: `saved min ${size.min}, desired ${size.desired}, max ${size.max}; scaling to 0` };
}

/** Start: done once desired capacity is InService. Stop: done once the group has no instances. */
export async function checkGroup(run: Run, target: TargetProgress, name: string): Promise<TargetProgress> {
  const group = await readGroup(name);
  const inService = group.instances.filter((instance) => instance.lifecycleState === "InService").length;
  if (run.action === "start") {
    const counts = { desired: group.desiredCapacity, inService };
    const detail = `${inService} of ${group.desiredCapacity} InService (min ${group.minSize}, max ${group.maxSize})`;
    return { ...target, counts, detail, status: inService >= group.desiredCapacity ? "done" : "working" };
  }
  // Auto Scaling leaves Standby instances out of desired capacity, so 0/0/0 never terminates them.
  const standby = group.instances.filter(isStandby).map((instance) => instance.id);
  const left = group.instances.length - standby.length;
  const counts = { instances: group.instances.length, standby: standby.length };
  if (left > 0) return { ...target, counts, detail: `${left} instance(s) still terminating` };
  if (standby.length > 0) return { ...target, counts, status: "failed", detail: standbyLeft(name, standby) };
  return { ...target, counts, status: "done", detail: `0/0/0, no instances; size saved in ${SAVED_SIZE_TAG} (${group.tags[SAVED_SIZE_TAG] ?? "missing"})` };
}

/**
 * The stop reports Standby instances rather than terminating them: with no deploy holding the
 * lock, they are a failed deploy's or cycle's leftovers (the previous release kept for a
 * rollback) or an instance someone took out of service on purpose, and only a person can say
 * whether they are still needed. They keep running and costing, so the target fails.
 *
 * The advice keeps desired capacity where it is. Standby instances are outside desired capacity
 * (Amazon EC2 Auto Scaling User Guide, "Temporarily remove instances from your Auto Scaling
 * group"), so a decrement on the stopped 0/0/0 group would ask for −1, below MinSize 0: AWS
 * refuses it (moto takes it and leaves desired at −1). Without it, the
 * TerminateInstanceInAutoScalingGroup API reference says the group launches replacements, but
 * only up to desired capacity: at desired 0 and MaxSize 0 it launches nothing.
 */
function standbyLeft(group: string, ids: readonly string[]): string {
  return (
    `0/0/0, but ${ids.length} instance(s) in Standby keep running, which Auto Scaling does not terminate: ${listed(ids)}. ` +
    `If nobody needs them, terminate each: aws autoscaling terminate-instance-in-auto-scaling-group --instance-id <id> --no-should-decrement-desired-capacity ` +
    `(group ${group}; size saved in ${SAVED_SIZE_TAG})`
  );
}
