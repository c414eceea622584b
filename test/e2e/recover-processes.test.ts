import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DeployStart } from "../../functions/aws/executions/executions.js";
import { readLock } from "../../functions/aws/lock/deploy-lock.js";
import { provideRuntime } from "../../functions/aws/runtime.js";
import { readUnfinishedRollout } from "../../functions/aws/rollout/unfinished.js";
import type { ExecutionEvent, ExecutionRecord } from "../../functions/core/executions/execution-record.js";
import { handler as startRecovery } from "../../functions/start-recovery/handler.js";
import { type Balancer } from "../../local/balancer/index.js";
import { startLoad } from "../../local/load/index.js";
import { type ProcessDriver } from "../../local/process/index.js";
import { createLocalRuntime } from "../../local/runtime.js";
import { runLocalDeploy, type LocalFleet } from "../../local/scenario.js";
import { startProcessFleet } from "./process-fleet.js";

const GROUP = "recover-prod";

let driver: ProcessDriver;
let balancer: Balancer;
let fleet: LocalFleet;
const started: DeployStart[] = [];

beforeAll(async () => {
  ({ driver, balancer, fleet } = await startProcessFleet({
    app: "recover",
    group: GROUP,
    instances: 4,
    maxSize: 6,
    release: "a1f3c9e07b24",
    gates: { http: { port: 80, healthPath: "/health", versionPath: "/version" } },
  }));
  // What the rule's function starts is collected here and run below, as the deploy machine would run it.
  provideRuntime(
    createLocalRuntime({
      cloud: fleet.cloud,
      deployStateMachineArn: "arn:aws:states:eu-west-1:123456789012:stateMachine:gantry-deploy",
      startDeploy: async (start) => {
        started.push(start);
        return { executionArn: `arn:aws:states:eu-west-1:123456789012:execution:gantry-deploy:${start.name}`, alreadyHandled: false };
      },
    }),
  );
});

afterAll(async () => {
  await balancer?.close();
  await driver?.stopAll();
});

const group = () => fleet.cloud.snapshot(GROUP).instances.map((i) => `${i.instanceId}:${i.release}:${i.lifecycle}`);

/** Runs `name` until it has entered `state` `nth` times, then stops it as the console or the timeout would. */
async function runUntilStopped(input: ReturnType<LocalFleet["deployInput"]>, name: string, state: string, nth: number, reason: "ABORTED" | "TIMED_OUT") {
  const controller = new AbortController();
  let seen = 0;
  const onEvent = (event: ExecutionEvent) => {
    if (event.kind === "entered" && event.step.state === state && ++seen === nth) controller.abort(reason);
  };
  return runLocalDeploy(fleet, input, { name, onEvent, signal: controller.signal });
}

/** Hands the ended execution to the rule's function and runs the recovery it starts; returns it with when it began and ended. */
async function recoverAfter(ended: ExecutionRecord) {
  const count = started.length;
  await startRecovery({ detail: { name: ended.name, status: ended.status, input: JSON.stringify(ended.input), error: ended.error ?? null } }, {} as never);
  expect(started).toHaveLength(count + 1);
  const start = started.at(-1) as DeployStart;
  const from = fleet.clock.now();
  let restoredAt = 0;
  const record = await runLocalDeploy(fleet, start.input, {
    name: start.name,
    onEvent: (event) => {
      if (event.kind === "entered" && event.step.state.startsWith("Outcome: recovered")) restoredAt = fleet.clock.now();
    },
  });
  return { record, seconds: (restoredAt - from) / 1000 };
}

describe("recovery with real processes behind the local balancer", () => {
  it("a console Stop in the second batch, then the automatic recovery: the group as it started, no failed request, the lock free", async () => {
    const before = group();
    const load = startLoad({ url: `${balancer.url}/`, ratePerSecond: 40, concurrency: 20 });

    const stopped = await runUntilStopped(fleet.deployInput("b7d2e4f01c68"), "recover-prod-b7d2e4f01c68-stopped", "Bake", 2, "ABORTED");
    expect(stopped.status).toBe("ABORTED");
    expect(group().filter((entry) => /:a1f3c9e07b24:(Entering)?Standby$/.test(entry))).toHaveLength(4);
    const { record, seconds } = await recoverAfter(stopped);
    const report = await load.stop();

    expect(record.status).toBe("SUCCEEDED");
    expect(record.steps.at(-1)?.state).toBe("Recovered");
    expect(group()).toEqual(before);
    expect(report).toMatchObject({ failed: 0, errors: [] });
    expect(report.total).toBeGreaterThan(50);
    expect((await readLock("recover", "prod", fleet.clock.now()))?.holder).toBeUndefined();
    expect(await readUnfinishedRollout("recover", "prod")).toBeUndefined();
    // For the record: simulated seconds from the recovery's start to the group restored, and requests served.
    console.log(`console Stop, recovery to restored: ${seconds.toFixed(0)} s simulated; ${report.total} requests, ${report.failed} failed`);
  });

  it("the timeout during the rollback window, then the automatic recovery finishes forward: all on the release, no failed request", async () => {
    const load = startLoad({ url: `${balancer.url}/`, ratePerSecond: 40, concurrency: 20 });
    const input = fleet.deployInput("b7d2e4f01c68");
    const kept = { ...input, strategy: { ...input.strategy, keepOldFor: "30m" } };

    const timedOut = await runUntilStopped(kept, "recover-prod-b7d2e4f01c68-timed-out", "Wait for terminations", 2, "TIMED_OUT");
    expect(timedOut.status).toBe("TIMED_OUT");
    const { record, seconds } = await recoverAfter(timedOut);
    const report = await load.stop();

    expect(record.status).toBe("SUCCEEDED");
    expect(group().map((entry) => entry.split(":").slice(1).join(":"))).toEqual(Array.from({ length: 4 }, () => "b7d2e4f01c68:InService"));
    expect(fleet.cloud.snapshot(GROUP).suspendedProcesses).toEqual([]);
    expect(report).toMatchObject({ failed: 0, errors: [] });
    expect((await readLock("recover", "prod", fleet.clock.now()))?.holder).toBeUndefined();
    console.log(`timeout in the window, recovery to finished: ${seconds.toFixed(0)} s simulated; ${report.total} requests, ${report.failed} failed`);
  });
});
