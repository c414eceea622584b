import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readLock } from "../../functions/aws/lock/deploy-lock.js";
import { provideRuntime } from "../../functions/aws/runtime.js";
import type { OperatorRequest } from "../../functions/core/operator/requests.js";
import type { ExecutionEvent } from "../../functions/core/executions/execution-record.js";
import { type Balancer } from "../../local/balancer/index.js";
import { startLoad } from "../../local/load/index.js";
import { type ProcessDriver } from "../../local/process/index.js";
import { createLocalRuntime } from "../../local/runtime.js";
import { runLocalDeploy, type LocalFleet } from "../../local/scenario.js";
import { startProcessFleet } from "./process-fleet.js";

const GROUP = "approve-prod";

let driver: ProcessDriver;
let balancer: Balancer;
let fleet: LocalFleet;
const requests = new Map<string, OperatorRequest>();

beforeAll(async () => {
  ({ driver, balancer, fleet } = await startProcessFleet({
    app: "approve",
    group: GROUP,
    instances: 4,
    maxSize: 6,
    release: "a1f3c9e07b24",
    gates: { http: { port: 80, healthPath: "/health", versionPath: "/version" } },
  }));
  provideRuntime(
    createLocalRuntime({
      cloud: fleet.cloud,
      operatorRequests: {
        put: async (_app, _env, request) => void requests.set(request.execution, request),
        read: async (_app, _env, execution) => requests.get(execution),
      },
    }),
  );
});

afterAll(async () => {
  await balancer?.close();
  await driver?.stopAll();
});

const group = () => fleet.cloud.snapshot(GROUP).instances.map((i) => `${i.instanceId}:${i.release}:${i.lifecycle}`);

/** A deploy with a checkpoint after its first batch, answered (or not) once it waits there. */
async function deployWithCheckpoint(name: string, answer?: Omit<OperatorRequest, "execution" | "at">, release = "b7d2e4f01c68") {
  const input = fleet.deployInput(release);
  const strategy = { ...input.strategy, approveAfter: [1], approvalTimeout: "10m" };
  let waitedAt = 0;
  const onEvent = (event: ExecutionEvent) => {
    if (event.kind !== "entered" || event.step.state !== "Wait for approval") return;
    waitedAt = fleet.clock.now();
    if (answer) requests.set(name, { ...answer, execution: name, at: fleet.clock.now() });
  };
  const load = startLoad({ url: `${balancer.url}/`, ratePerSecond: 40, concurrency: 20 });
  const record = await runLocalDeploy(fleet, { ...input, strategy }, { name, onEvent });
  return { record, report: await load.stop(), waitedAt };
}

describe("approval checkpoints with real processes behind the local balancer", () => {
  it("rejected at the checkpoint after batch 1: rolled back under load, no failed request, the lock free", async () => {
    const before = group();

    const { record, report, waitedAt } = await deployWithCheckpoint("approve-prod-rejected", {
      kind: "reject",
      by: "ana",
      reason: "canary errors",
      checkpoint: 1,
    });

    expect(waitedAt).toBeGreaterThan(0);
    expect(record.error).toBe("DeployRolledBack");
    expect(record.cause).toMatch(
      /was rejected at its approval checkpoint after batch 1 of 2 and was rolled back to a1f3c9e07b24\. ApprovalRejectedError: Rejected by ana .*: canary errors\./,
    );
    expect(group()).toEqual(before);
    expect(report).toMatchObject({ failed: 0, errors: [] });
    expect(report.total).toBeGreaterThan(50);
    expect((await readLock("approve", "prod", fleet.clock.now()))?.holder).toBeUndefined();
  });

  it("approved at the checkpoint: the second batch goes on, every instance on the release, no failed request", async () => {
    const { record, report } = await deployWithCheckpoint("approve-prod-approved", { kind: "approve", by: "ana", checkpoint: 1 });

    expect(record.status).toBe("SUCCEEDED");
    expect(group().map((entry) => entry.split(":").slice(1).join(":"))).toEqual(Array.from({ length: 4 }, () => "b7d2e4f01c68:InService"));
    expect(report).toMatchObject({ failed: 0, errors: [] });
    expect((await readLock("approve", "prod", fleet.clock.now()))?.holder).toBeUndefined();
  });

  it("no answer within approvalTimeout: rolled back after 10 minutes (simulated), no failed request", async () => {
    const before = group();

    // The group now runs b7d2e4f01c68: this deploy takes it back to a1f3c9e07b24, and nobody answers.
    const { record, report, waitedAt } = await deployWithCheckpoint("approve-prod-unanswered", undefined, "a1f3c9e07b24");

    expect(record.error).toBe("DeployRolledBack");
    expect(record.cause).toContain("ApprovalTimeoutError: No answer at the approval checkpoint after batch 1 of 2 within 10m");
    const rollback = record.steps.find((step) => step.state === "Roll back");
    // The timeout counts from the checkpoint, opened at "Check after bake" a moment before the wait began.
    expect(((rollback?.enteredAt ?? 0) - waitedAt) / 1000).toBeGreaterThanOrEqual(590);
    expect(group()).toEqual(before);
    expect(report).toMatchObject({ failed: 0, errors: [] });
  });
});
