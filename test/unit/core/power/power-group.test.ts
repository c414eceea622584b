import { describe, expect, it } from "vitest";
import { groupPowerProgress, planGroupStart, planGroupStop } from "../../../../functions/core/power/power-group.js";
import type { TargetProgress } from "../../../../functions/core/power/power-progress.js";
import { group, oldInstances } from "../../fixtures.js";

const target: TargetProgress = { target: "group hello-dev", config: { autoScalingGroup: "hello-dev" }, status: "working", detail: "planned" };
const run = { action: "stop" as const, at: "2026-03-24T18:00:00+02:00", timezone: "Asia/Jerusalem" };
const SAVED = "gantry:power-saved-size";

describe("planGroupStart", () => {
  it("restores the size the stop saved", () => {
    const off = group([], { minSize: 0, maxSize: 0, desiredCapacity: 0, tags: { [SAVED]: "min=1 desired=2 max=4" } });

    expect(planGroupStart(target, off)).toEqual({
      restore: { min: 1, desired: 2, max: 4 },
      progress: { ...target, detail: "restoring min 1, desired 2, max 4" },
    });
  });

  it("is done at once for a group already running without a saved size", () => {
    const plan = planGroupStart(target, group(oldInstances(2)));

    expect(plan.restore).toBeUndefined();
    expect(plan.progress).toMatchObject({ status: "done", detail: "already running (desired 2); no saved size to restore" });
  });

  it("fails a group at 0 with no saved size, saying to set the size by hand", () => {
    const plan = planGroupStart(target, group([], { desiredCapacity: 0, tags: {} }));

    expect(plan.progress).toMatchObject({ status: "failed", detail: expect.stringContaining("set min/desired/max by hand") as string });
  });
});

describe("planGroupStop", () => {
  it("saves the size and scales to 0/0/0", () => {
    const plan = planGroupStop(run, target, group(oldInstances(2), { minSize: 1, maxSize: 4 }));

    expect(plan.saveAndStop).toEqual({ min: 1, desired: 2, max: 4 });
  });

  it("keeps a group whose keep-running tag is still ahead", () => {
    const kept = group(oldInstances(2), { tags: { "gantry:keep-running-until": "2026-03-24T21:00" } });

    const plan = planGroupStop(run, target, kept);

    expect(plan.saveAndStop).toBeUndefined();
    expect(plan.progress).toMatchObject({ status: "skipped", detail: expect.stringContaining("kept running") as string });
  });

  it("changes nothing on a group already off with its size saved, so a retry cannot lose the size", () => {
    const off = group([], { minSize: 0, maxSize: 0, desiredCapacity: 0, tags: { [SAVED]: "min=1 desired=2 max=4" } });

    const plan = planGroupStop(run, target, off);

    expect(plan.saveAndStop).toBeUndefined();
    expect(plan.progress.detail).toBe("already at 0/0/0, size saved (min=1 desired=2 max=4)");
  });
});

describe("groupPowerProgress", () => {
  it("keeps a start working until desired capacity is InService", () => {
    expect(groupPowerProgress({ action: "start" }, target, group(oldInstances(1, { state: "Pending" }), { desiredCapacity: 2 }))).toMatchObject({
      status: "working",
    });
    expect(groupPowerProgress({ action: "start" }, target, group(oldInstances(2)))).toMatchObject({ status: "done", counts: { desired: 2, inService: 2 } });
  });

  it("fails a stop that leaves Standby instances running, naming them", () => {
    const progress = groupPowerProgress({ action: "stop" }, target, group(oldInstances(1, { state: "Standby" }), { desiredCapacity: 0 }));

    expect(progress).toMatchObject({ status: "failed", counts: { instances: 1, standby: 1 } });
    expect(progress.detail).toContain("i-old001");
  });

  it("is done once a stopped group has no instances", () => {
    expect(groupPowerProgress({ action: "stop" }, target, group([], { desiredCapacity: 0 }))).toMatchObject({ status: "done" });
  });
});
