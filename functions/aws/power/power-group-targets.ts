import { groupPowerProgress, planGroupStart, planGroupStop, type GroupPowerPlan } from "../../core/power/power-group.js";
import type { PowerProgress, TargetProgress } from "../../core/power/power-progress.js";
import { readGroup } from "../rollout/group.js";
import { restoreSize, saveSizeAndStop } from "./power-groups.js";
import { underPowerLocks } from "./power-lock.js";

type Run = Pick<PowerProgress, "action" | "at" | "timezone" | "holder">;

/**
 * Start: restore the saved size. Stop: save the size in a tag, then 0/0/0 (unless kept running),
 * holding the group's app/env deploy locks meanwhile: a deploy or cycle that took one after the
 * plan must not get its group resized under it, so then the group is skipped.
 */
export async function actOnGroup(run: Run, target: TargetProgress, name: string, now: number): Promise<TargetProgress> {
  if (run.action === "start") return carryOut(name, planGroupStart(target, await readGroup(name)));
  const stop = async () => carryOut(name, planGroupStop(run, target, await readGroup(name)));
  if (!target.locks?.length) return stop();
  if (!run.holder) throw new TypeError("A stop needs $.power.holder (the power execution's name) from the plan to take the deploy lock.");
  const locked = await underPowerLocks(target.locks, run.holder, now, stop);
  if (locked.outcome === "skipped") return { ...target, status: "skipped", detail: `not stopped: ${locked.reason}` };
  return locked.value;
}

async function carryOut(name: string, plan: GroupPowerPlan): Promise<TargetProgress> {
  if (plan.restore) await restoreSize(name, plan.restore);
  if (plan.saveAndStop) await saveSizeAndStop(name, plan.saveAndStop);
  return plan.progress;
}

/** Start: done once desired capacity is InService. Stop: done once the group has no instances. */
export async function checkGroup(run: Run, target: TargetProgress, name: string): Promise<TargetProgress> {
  return groupPowerProgress(run, target, await readGroup(name));
}
