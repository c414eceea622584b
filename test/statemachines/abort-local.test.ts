import { describe, expect, it } from "vitest";
import { acquireLock, readLock, releaseLock } from "../../functions/aws/lock/deploy-lock.js";
import { memoryRequests } from "./memory-requests.js";
import { createLocalFleet, cycleInputOf, runLocalDeploy } from "../../local/scenario.js";
import { VirtualClock } from "../../local/clock.js";
import { fleetState, watchFleet } from "../../local/watch.js";
import type { ExecutionEvent } from "../../functions/core/executions/execution-record.js";

const strategy = { batches: ["25%"], bakeSeconds: 60, pollSeconds: 15 };

/** Files `request` once the run has left `state` for the `nth` time. */
function after(state: string, nth: number, fileIt: () => void): (event: ExecutionEvent) => void {
  let seen = 0;
  return (event) => {
    if (event.kind === "exited" && event.step.state === state && ++seen === nth) fileIt();
  };
}

describe("gantry abort, on the deploy definition run locally", () => {
  it("stops a deploy mid-batch at its next step and rolls it back, naming who aborted it and why", async () => {
    const requests = memoryRequests();
    const fleet = createLocalFleet({ app: "abort", instances: 12, runtime: { operatorRequests: requests.store } });
    const before = fleetState(fleet);
    const watch = watchFleet(fleet);
    const name = "abort-prod-v2-mid-batch";
    const at = fleet.clock.now();
    const abort = after("Launch batch", 2, () => requests.file("abort", "prod", { kind: "abort", execution: name, by: "ana", at, reason: "p99 latency up" }));

    const record = await runLocalDeploy(fleet, fleet.deployInput("v2", { strategy }), {
      name,
      onEvent: (event) => {
        watch.onEvent(event);
        abort(event);
      },
    });

    expect(record.status).toBe("FAILED");
    expect(record.error).toBe("DeployAborted");
    expect(record.cause).toMatch(/^Deploy of v2 to abort\/prod was aborted in batch 2 of 4 and was rolled back to v1\./);
    expect(record.cause).toContain(`DeployAbortedError: Aborted by ana at ${new Date(at).toISOString()}: p99 latency up.`);
    // It stopped at the step right after the launch: batch 2 never reached its gate.
    const states = record.steps.map((step) => step.state);
    expect(states.filter((state) => state === "Launch batch")).toHaveLength(2);
    expect(states.filter((state) => state === "Check after bake")).toHaveLength(1);
    expect(fleetState(fleet)).toEqual(before);
    expect(watch.minServing()).toBeGreaterThanOrEqual(12);
    expect((await readLock("abort", "prod"))?.holder).toBeUndefined();
  });

  it("stops a cycle run in its second batch and puts the group back as it was", async () => {
    const requests = memoryRequests();
    const DAY = 86_400;
    const fleet = createLocalFleet({
      app: "abortcycle",
      instances: 4,
      ages: [20 * DAY, 18 * DAY, 16 * DAY, 15 * DAY],
      runtime: { operatorRequests: requests.store },
    });
    const before = fleetState(fleet);
    const watch = watchFleet(fleet);
    const name = "abortcycle-prod-cycle-mid-batch";
    const at = fleet.clock.now();
    const abort = after("Launch batch", 2, () =>
      requests.file("abortcycle", "prod", { kind: "abort", execution: name, by: "ana", at, reason: "cycling at peak" }),
    );

    const record = await runLocalDeploy(fleet, cycleInputOf(fleet, "14d", { strategy }), {
      name,
      onEvent: (event) => {
        watch.onEvent(event);
        abort(event);
      },
    });

    expect(record.error).toBe("DeployAborted");
    expect(record.cause).toContain(`DeployAbortedError: Aborted by ana at ${new Date(at).toISOString()}: cycling at peak.`);
    expect(record.steps.map((step) => step.state).filter((state) => state === "Launch batch")).toHaveLength(2);
    expect(fleetState(fleet)).toEqual(before);
    expect(watch.minServing()).toBeGreaterThanOrEqual(4);
    expect((await readLock("abortcycle", "prod"))?.holder).toBeUndefined();
  });

  it("aborts an in-place deploy in its third batch: the same eight instances, all back on v1", async () => {
    const requests = memoryRequests();
    const fleet = createLocalFleet({ app: "inplace", instances: 8, maxSize: 8, runtime: { operatorRequests: requests.store } });
    const before = fleetState(fleet);
    const watch = watchFleet(fleet);
    const name = "inplace-prod-v2-aborted";
    const inPlace = { mode: "in-place" as const, batches: ["25%"], minHealthyPercent: 75, bakeSeconds: 30, pollSeconds: 5 };
    let batchesDone = 0;
    const abort = (event: ExecutionEvent) => {
      if (event.kind !== "exited" || event.step.state !== "In-place batch done?") return;
      if (++batchesDone === 9) requests.file("inplace", "prod", { kind: "abort", execution: name, by: "ana", at: fleet.clock.now() });
    };

    const record = await runLocalDeploy(fleet, fleet.deployInput("v2", { strategy: inPlace }), {
      name,
      onEvent: (event) => {
        watch.onEvent(event);
        abort(event);
      },
    });

    expect(record.status).toBe("FAILED");
    expect(record.error).toBe("DeployAborted");
    expect(record.cause).toMatch(/^Deploy of v2 to inplace\/prod was aborted in batch \d of 4 and was rolled back to v1\. DeployAbortedError: Aborted by ana/);
    expect(fleetState(fleet)).toEqual({ ...before, releases: Array.from({ length: 8 }, () => "v1:InService") });
    expect(watch.launched.size).toBe(8);
    expect(watch.minServing()).toBeGreaterThanOrEqual(6);
  });

  it("ignores a request filed for another execution of the same app/env", async () => {
    const requests = memoryRequests();
    const fleet = createLocalFleet({ app: "other", instances: 4, runtime: { operatorRequests: requests.store } });
    requests.file("other", "prod", { kind: "abort", execution: "other-prod-an-earlier-run", by: "ana", at: fleet.clock.now() });

    const record = await runLocalDeploy(fleet, fleet.deployInput("v2", { strategy: { ...strategy, batches: ["50%"] } }), { name: "other-prod-v2" });

    expect(record.status).toBe("SUCCEEDED");
    expect(fleetState(fleet).releases).toEqual(Array.from({ length: 4 }, () => "v2:InService"));
  });

  it("ends a push aborted while it waits for the lock as not started, changing nothing", async () => {
    const requests = memoryRequests();
    const fleet = createLocalFleet({ app: "queued", instances: 4, runtime: { operatorRequests: requests.store } });
    const before = fleetState(fleet);
    const now = fleet.clock.now();
    await acquireLock({ app: "queued", env: "prod", holder: "queued-prod-someone-else", seq: now - 1, now, leaseSeconds: 900 });
    const name = "queued-prod-v2";
    const abort = after("Take the deploy lock", 2, () => requests.file("queued", "prod", { kind: "abort", execution: name, by: "ben", at: now }));

    const record = await runLocalDeploy(fleet, fleet.deployInput("v2", { strategy }), { name, onEvent: abort });

    expect(record.status).toBe("FAILED");
    expect(record.error).toBe("DeployNotStarted");
    expect(JSON.parse(record.cause ?? "{}")).toEqual({ errorType: "DeployAbortedError", errorMessage: `Aborted by ben at ${new Date(now).toISOString()}` });
    expect(fleetState(fleet)).toEqual(before);
    const lock = await readLock("queued", "prod", fleet.clock.now());
    expect(lock?.holder?.holder).toBe("queued-prod-someone-else");
    expect(lock?.waiter).toBeUndefined();
    await releaseLock({ app: "queued", env: "prod", holder: "queued-prod-someone-else" });
  });

  it("rolls back a rollout that runs past its 12 h deadline", async () => {
    const clock = new VirtualClock();
    const fleet = createLocalFleet({ app: "late", instances: 8, clock });
    const before = fleetState(fleet);
    const stall = after("Launch batch", 2, () => clock.advance(12 * 3_600_000 + 1_000));

    const record = await runLocalDeploy(fleet, fleet.deployInput("v2", { strategy }), { onEvent: stall });

    expect(record.status).toBe("FAILED");
    expect(record.error).toBe("DeployRolledBack");
    expect(record.cause).toMatch(/failed in batch 2 of 4 and was rolled back to v1/);
    expect(record.cause).toMatch(/RolloutDeadlineError: The rollout has run 12 h 0\d min since its plan .*past its deadline of 12 h 00 min/);
    expect(fleetState(fleet)).toEqual(before);
    expect((await readLock("late", "prod"))?.holder).toBeUndefined();
  });
});
