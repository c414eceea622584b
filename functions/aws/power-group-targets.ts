import { KEEP_RUNNING_TAG, SAVED_SIZE_TAG, keepRunning, parseSavedSize } from "../core/power.js";
import type { PowerProgress, TargetProgress } from "../core/power-progress.js";
import { readGroup } from "./group.js";
import { restoreSize, saveSizeAndStop } from "./power-groups.js";

type Run = Pick<PowerProgress, "action" | "at" | "timezone">;

/** Start: restore the saved size. Stop: save the size in a tag, then 0/0/0 (unless kept running). */
export async function actOnGroup(run: Run, target: TargetProgress, name: string): Promise<TargetProgress> {
  const group = await readGroup(name);
  const size = { min: group.minSize, desired: group.desiredCapacity, max: group.maxSize };
  const saved = parseSavedSize(group.tags[SAVED_SIZE_TAG]);
  if (run.action === "start") {
    if (saved) {
      await restoreSize(name, saved);
      return { ...target, detail: `restoring min ${saved.min}, desired ${saved.desired}, max ${saved.max}` };
    }
    if (size.desired > 0) return { ...target, status: "done", detail: `already running (desired ${size.desired}); no saved size to restore` };
    return { ...target, status: "failed", detail: `at desired 0 with no ${SAVED_SIZE_TAG} tag: its size before the stop is unknown; set min/desired/max by hand` };
  }
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
  const left = group.instances.length;
  const counts = { instances: left };
  if (left > 0) return { ...target, counts, detail: `${left} instance(s) still terminating` };
  return { ...target, counts, status: "done", detail: `0/0/0, no instances; size saved in ${SAVED_SIZE_TAG} (${group.tags[SAVED_SIZE_TAG] ?? "missing"})` };
}
