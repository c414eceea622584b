import { describe, expect, it } from "vitest";
import { readLock } from "../../functions/aws/lock/deploy-lock.js";
import type { ExecutionEvent } from "../../functions/core/executions/execution-record.js";
import { memoryRequests } from "./memory-requests.js";
import { createLocalFleet, runLocalDeploy } from "../../local/scenario.js";
import { fleetState, watchFleet } from "../../local/watch.js";

const strategy = { batches: ["50%"], bakeSeconds: 60, pollSeconds: 15, keepOldFor: "30m" };

describe("strategy.keepOldFor: a rollback window after success", () => {
  it("keeps the old instances in Standby and the lock held for the window, then finishes", async () => {
    const fleet = createLocalFleet({ app: "window", instances: 4 });
    const started = fleet.clock.now();
    const duringWindow: { standby: number; holder: string | undefined; at: number }[] = [];
    const reads: Promise<number>[] = [];
    const onEvent = (event: ExecutionEvent) => {
      if (event.kind !== "exited" || event.step.state !== "Finish rollout") return;
      const standby = fleet.cloud.snapshot(fleet.groupName).instances.filter((i) => i.lifecycle === "Standby").length;
      const at = fleet.clock.now();
      reads.push(readLock("window", "prod", at).then((lock) => duringWindow.push({ standby, holder: lock?.holder?.holder, at })));
    };

    const record = await runLocalDeploy(fleet, fleet.deployInput("v2", { strategy }), { name: "window-prod-v2-kept", onEvent });

    await Promise.all(reads);
    expect(record.status).toBe("SUCCEEDED");
    expect(fleetState(fleet).releases).toEqual(Array.from({ length: 4 }, () => "v2:InService"));
    const kept = duringWindow.filter((pass) => pass.standby === 4);
    expect(kept.length).toBeGreaterThan(100);
    expect(kept.every((pass) => pass.holder === "window-prod-v2-kept")).toBe(true);
    const windowSeconds = ((kept.at(-1)?.at ?? 0) - (kept[0]?.at ?? 0)) / 1000;
    expect(windowSeconds).toBeGreaterThanOrEqual(30 * 60 - 15);
    expect(windowSeconds).toBeLessThanOrEqual(30 * 60);
    const summaries = record.steps
      .filter((step) => step.state === "Finish rollout")
      .map((step) => (step.output as { progress?: { summary?: string } } | undefined)?.progress?.summary ?? "");
    expect(summaries[0]).toMatch(
      /keeping 4 old instance\(s\) in Standby until 20\d\d-\d\d-\d\dT\d\d:\d\d:\d\dZ \(gantry rollback window prod brings them back\)/,
    );
    expect((await readLock("window", "prod", fleet.clock.now()))?.holder).toBeUndefined();
    expect(fleet.clock.now() - started).toBeGreaterThan(30 * 60_000);
  });

  it("rolls back inside the window from Standby: the old instances serve again, nothing is launched", async () => {
    const requests = memoryRequests();
    const fleet = createLocalFleet({ app: "back", instances: 4, runtime: { operatorRequests: requests.store } });
    const before = fleetState(fleet);
    const watch = watchFleet(fleet);
    const name = "back-prod-v2-window";
    let passes = 0;
    let requestedAt = 0;
    let restoredAt = 0;
    let launchedBefore = 0;

    const record = await runLocalDeploy(fleet, fleet.deployInput("v2", { strategy }), {
      name,
      onEvent: (event) => {
        watch.onEvent(event);
        if (event.kind === "exited" && event.step.state === "Finish rollout" && ++passes === 20) {
          requestedAt = fleet.clock.now();
          launchedBefore = watch.launched.size;
          requests.file("back", "prod", { kind: "rollback", execution: name, by: "ana", at: requestedAt, reason: "conversion down" });
        }
        if (event.kind === "entered" && event.step.state === "Outcome: rolled back") restoredAt = fleet.clock.now();
      },
    });

    expect(record.status).toBe("FAILED");
    expect(record.error).toBe("DeployRolledBack");
    expect(record.cause).toMatch(
      /^Deploy of v2 to back\/prod was rolled back to v1 on request, after its last batch\. RollbackRequestedError: Rollback requested by ana at .* inside the 30m window after the last batch: conversion down\. Fleet now: desired 4, 4 on v1 in service, 4 serving\.$/,
    );
    expect(fleetState(fleet)).toEqual(before);
    expect(watch.launched.size).toBe(launchedBefore);
    expect(watch.minServing()).toBeGreaterThanOrEqual(4);
    expect((await readLock("back", "prod", fleet.clock.now()))?.holder).toBeUndefined();
    const seconds = (restoredAt - requestedAt) / 1000;
    expect(seconds).toBeGreaterThan(0);
    expect(seconds).toBeLessThan(300);
    console.log(`rollback inside the window: ${seconds.toFixed(0)} s simulated from the request to the group restored`);
  });

  it("refuses keepOldFor with retire terminate, in place, or longer than 12h, naming the value", async () => {
    const { parseDeployInput } = await import("../../functions/core/config/input.js");
    const fleet = createLocalFleet({ app: "bad", instances: 2 });
    const input = (extra: Record<string, unknown>) => fleet.deployInput("v2", { strategy: { ...strategy, ...extra } });
    expect(() => parseDeployInput(input({ retire: "terminate" }))).toThrow(/strategy\.keepOldFor.*needs retire "standby"/s);
    expect(() => parseDeployInput(input({ mode: "in-place" }))).toThrow(/strategy\.keepOldFor.*not taken by an in-place deploy/s);
    expect(() => parseDeployInput(input({ keepOldFor: "13h" }))).toThrow(/strategy\.keepOldFor.*longer than the maximum of 12h/s);
    expect(() => parseDeployInput(input({ keepOldFor: "30 minutes" }))).toThrow(/strategy\.keepOldFor.*not a duration such as "30m"/s);
  });
});
