import { describe, expect, it } from "vitest";
import type { ExecutionEvent } from "../../functions/core/executions/execution-record.js";
import { parseDeployInput } from "../../functions/core/config/input.js";
import { createLocalFleet, runLocalDeploy, type LocalFleet } from "../../local/scenario.js";
import { breakBatch, fleetState, watchFleet } from "../../local/watch.js";

const strategy = { batches: ["25%"], bakeSeconds: 60, pollSeconds: 15, standbyBatches: 1 };

/** The most instances the group held at once, counting Standby: what the deploy paid for. */
function peakHeld(fleet: LocalFleet) {
  let peak = 0;
  let standbyPeak = 0;
  return {
    onEvent: (_event: ExecutionEvent) => {
      const instances = fleet.cloud.snapshot(fleet.groupName).instances;
      peak = Math.max(peak, instances.length);
      standbyPeak = Math.max(standbyPeak, instances.filter((i) => i.lifecycle === "Standby").length);
    },
    peak: () => peak,
    standbyPeak: () => standbyPeak,
  };
}

describe("strategy.standbyBatches: only the last K batches wait in Standby", () => {
  it("holds at most the last batch in Standby over a 4-batch deploy, which ends on v2", async () => {
    const fleet = createLocalFleet({ app: "lean", instances: 12 });
    const held = peakHeld(fleet);
    const watch = watchFleet(fleet);

    const record = await runLocalDeploy(fleet, fleet.deployInput("v2", { strategy }), {
      onEvent: (event) => {
        watch.onEvent(event);
        held.onEvent(event);
      },
    });

    expect(record.status).toBe("SUCCEEDED");
    expect(fleetState(fleet).releases).toEqual(Array.from({ length: 12 }, () => "v2:InService"));
    // 3 a batch: one batch parked (3) plus one being gated (3), never all 12 old ones.
    expect(held.standbyPeak()).toBeLessThanOrEqual(6);
    expect(held.peak()).toBeLessThanOrEqual(12 + 6);
    expect(watch.minServing()).toBeGreaterThanOrEqual(12);

    // The same deploy keeping every batch parks all 12 old instances until the finish.
    const full = createLocalFleet({ app: "full", instances: 12 });
    const fullHeld = peakHeld(full);
    const everyBatch = { ...strategy, standbyBatches: undefined };
    expect((await runLocalDeploy(full, full.deployInput("v2", { strategy: everyBatch }), fullHeld)).status).toBe("SUCCEEDED");
    expect(fullHeld.standbyPeak()).toBe(12);
    console.log(
      `standbyBatches 1: peak ${held.peak()} instances, ${held.standbyPeak()} in Standby; every batch kept: peak ${fullHeld.peak()}, ${fullHeld.standbyPeak()} in Standby`,
    );
  });

  it("still rolls back the last batch to the group as it started, relaunching the old instances it let go", async () => {
    const fleet = createLocalFleet({ app: "leanback", instances: 12 });
    const before = fleetState(fleet);
    const watch = watchFleet(fleet);
    const breakLast = breakBatch(fleet, 4);

    const record = await runLocalDeploy(fleet, fleet.deployInput("v2", { strategy }), {
      onEvent: (event) => {
        watch.onEvent(event);
        breakLast(event);
      },
    });

    expect(record.status).toBe("FAILED");
    expect(record.error).toBe("DeployRolledBack");
    expect(record.cause).toMatch(/failed in batch 4 of 4 and was rolled back to v1/);
    const end = fleetState(fleet);
    expect(end.releases).toEqual(before.releases);
    expect(end.desired).toBe(before.desired);
    expect(end.suspended).toEqual([]);
    expect(watch.minServing()).toBeGreaterThanOrEqual(12);
  });

  it("refuses standbyBatches with retire terminate, with keepOldFor, or below 1", () => {
    const fleet = createLocalFleet({ app: "leanbad", instances: 2 });
    const input = (extra: Record<string, unknown>) => fleet.deployInput("v2", { strategy: { ...strategy, ...extra } });
    expect(() => parseDeployInput(input({ retire: "terminate" }))).toThrow(/strategy\.standbyBatches.*needs retire "standby"/s);
    expect(() => parseDeployInput(input({ keepOldFor: "30m" }))).toThrow(/strategy\.standbyBatches.*cannot be combined with keepOldFor/s);
    expect(() => parseDeployInput(input({ standbyBatches: 0 }))).toThrow(/strategy\.standbyBatches.*is below 1/s);
  });
});
