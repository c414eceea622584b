import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readLock } from "../../functions/aws/lock/deploy-lock.js";
import { putOperatorRequest } from "../../functions/aws/operator/requests.js";
import type { ExecutionEvent } from "../../functions/core/executions/execution-record.js";
import { type Balancer } from "../../local/balancer/index.js";
import { startLoad } from "../../local/load/index.js";
import { type ProcessDriver } from "../../local/process/index.js";
import { runLocalDeploy, type LocalFleet } from "../../local/scenario.js";
import { startProcessFleet } from "./process-fleet.js";

const GROUP = "abort-prod";

let driver: ProcessDriver;
let balancer: Balancer;
let fleet: LocalFleet;

beforeAll(async () => {
  ({ driver, balancer, fleet } = await startProcessFleet({
    app: "abort",
    group: GROUP,
    instances: 4,
    maxSize: 6,
    release: "a1f3c9e07b24",
    gates: { http: { port: 80, healthPath: "/health", versionPath: "/version" } },
  }));
});

afterAll(async () => {
  await balancer?.close();
  await driver?.stopAll();
});

describe("gantry abort with real processes behind the local balancer", () => {
  it("aborts a deploy in its second batch and restores the group under load without a failed request", async () => {
    const before = fleet.cloud.snapshot(GROUP).instances.map((i) => `${i.instanceId}:${i.release}:${i.lifecycle}`);
    const load = startLoad({ url: `${balancer.url}/`, ratePerSecond: 40, concurrency: 20 });
    const name = "abort-prod-b7d2e4f01c68-under-load";
    let launches = 0;
    let abortedAt = 0;
    let restoredAt = 0;
    const filed: Promise<void>[] = [];
    const onEvent = (event: ExecutionEvent) => {
      if (event.kind === "exited" && event.step.state === "Launch batch" && ++launches === 2) {
        abortedAt = fleet.clock.now();
        filed.push(putOperatorRequest("abort", "prod", { kind: "abort", execution: name, by: "ana", at: abortedAt, reason: "checkout errors" }));
      }
      if (event.kind === "entered" && event.step.state === "Outcome: aborted") restoredAt = fleet.clock.now();
    };

    const record = await runLocalDeploy(fleet, fleet.deployInput("b7d2e4f01c68"), { name, onEvent });
    const report = await load.stop();
    await Promise.all(filed);

    expect(record.status).toBe("FAILED");
    expect(record.error).toBe("DeployAborted");
    expect(record.cause).toMatch(
      /was aborted in batch 2 of 2 and was rolled back to a1f3c9e07b24\. DeployAbortedError: Aborted by ana at .*: checkout errors\./,
    );
    expect(fleet.cloud.snapshot(GROUP).instances.map((i) => `${i.instanceId}:${i.release}:${i.lifecycle}`)).toEqual(before);
    expect(report).toMatchObject({ failed: 0, errors: [] });
    expect(report.total).toBeGreaterThan(100);
    expect((await readLock("abort", "prod", fleet.clock.now()))?.holder).toBeUndefined();
    expect(restoredAt).toBeGreaterThan(abortedAt);
    // For the record: simulated seconds from the request to the group restored, and requests served.
    console.log(`abort to restored: ${((restoredAt - abortedAt) / 1000).toFixed(0)} s simulated; ${report.total} requests, ${report.failed} failed`);
  });
});
