import { isStandby, type ObservedGroup } from "../fleet.js";
import { KEEP_RUNNING_TAG, SAVED_SIZE_TAG, keepRunning, parseSavedSize, type GroupSize } from "./power.js";
import { listed, type PowerProgress, type TargetProgress } from "./power-progress.js";

type Run = Pick<PowerProgress, "action" | "at" | "timezone">;

/** What a power step does to an Auto Scaling group target, and the target's progress after it. */
export interface GroupPowerPlan {
  /** Put back this size (a start). */
  restore?: GroupSize;
  /** Save this size in the group's tag, then scale to 0/0/0 (a stop). */
  saveAndStop?: GroupSize;
  progress: TargetProgress;
}

/** A start restores the size the stop saved; without one, a group already running is done and one at 0 cannot be started. */
export function planGroupStart(target: TargetProgress, group: ObservedGroup): GroupPowerPlan {
  const saved = parseSavedSize(group.tags[SAVED_SIZE_TAG]);
  if (saved) return { restore: saved, progress: { ...target, detail: `restoring min ${saved.min}, desired ${saved.desired}, max ${saved.max}` } };
  if (group.desiredCapacity > 0) {
    return { progress: { ...target, status: "done", detail: `already running (desired ${group.desiredCapacity}); no saved size to restore` } };
  }
  return {
    progress: {
      ...target,
      status: "failed",
      detail: `at desired 0 with no ${SAVED_SIZE_TAG} tag: its size before the stop is unknown; set min/desired/max by hand`,
    },
  };
}

/** A stop saves the size and scales to 0/0/0, unless the group is kept running or is already off with its size saved. */
export function planGroupStop(run: Run, target: TargetProgress, group: ObservedGroup): GroupPowerPlan {
  const size = { min: group.minSize, desired: group.desiredCapacity, max: group.maxSize };
  const keep = keepRunning(group.tags[KEEP_RUNNING_TAG], run.timezone, new Date(run.at));
  if (keep.keep) return { progress: { ...target, status: "skipped", detail: `kept running: ${keep.reason}` } };
  // Already off with its size saved (a retried step, or a second stop): saving 0/0/0 over it would lose the size.
  if (parseSavedSize(group.tags[SAVED_SIZE_TAG]) && size.max === 0) {
    return { progress: { ...target, detail: `already at 0/0/0, size saved (${group.tags[SAVED_SIZE_TAG]})` } };
  }
  return { saveAndStop: size, progress: { ...target, detail: `saved min ${size.min}, desired ${size.desired}, max ${size.max}; scaling to 0` } };
}

/** Start: done once desired capacity is InService. Stop: done once the group has no instances. */
export function groupPowerProgress(run: Pick<Run, "action">, target: TargetProgress, group: ObservedGroup): TargetProgress {
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
  if (standby.length > 0) return { ...target, counts, status: "failed", detail: standbyLeft(group.name, standby) };
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
