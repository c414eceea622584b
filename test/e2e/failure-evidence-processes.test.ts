import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startProcessFleet } from "./process-fleet.js";
import { readLock } from "../../functions/aws/lock/deploy-lock.js";
import { type Balancer } from "../../local/balancer/index.js";
import { closeLocalDynamo } from "../../local/dynamo-session.js";
import { startLoad } from "../../local/load/index.js";
import { type ProcessDriver } from "../../local/process/index.js";
import { runLocalDeploy, type LocalFleet } from "../../local/scenario.js";
import { EXAMPLE_RELEASES } from "../../local/example-release-ids.js";

const GROUP = "evidence-prod";

let driver: ProcessDriver;
let balancer: Balancer;
let fleet: LocalFleet;

/** Two real app processes on the first example release behind a real balancer. */
beforeAll(async () => {
  ({ driver, balancer, fleet } = await startProcessFleet({
    app: "evidence",
    group: GROUP,
    instances: 2,
    maxSize: 4,
    release: EXAMPLE_RELEASES.first,
    gates: { alarms: [] },
  }));
});

afterAll(async () => {
  await balancer?.close();
  await driver?.stopAll();
  await closeLocalDynamo();
});

describe("a new instance whose app is killed, with real processes behind the local balancer", () => {
  it("rolls back with Target.FailedHealthChecks and the app's own console output in the cause, without a failed request", async () => {
    const before = new Set(fleet.cloud.snapshot(GROUP).instances.map((i) => i.instanceId));
    const killed = new Set<number>();
    const load = startLoad({ url: `${balancer.url}/`, ratePerSecond: 40, concurrency: 20 });

    const record = await runLocalDeploy(fleet, fleet.deployInput(EXAMPLE_RELEASES.second), {
      tickMs: 1000,
      // Kill each new instance's app as soon as it is InService, before its target turns healthy.
      onTick: () => {
        for (const instance of fleet.cloud.snapshot(GROUP).instances) {
          const pid = driver.pidOf(instance.instanceId);
          if (before.has(instance.instanceId) || instance.lifecycle !== "InService" || pid === undefined || killed.has(pid)) continue;
          killed.add(pid);
          process.kill(pid, "SIGKILL");
        }
      },
    });
    const report = await load.stop();

    expect(killed.size).toBeGreaterThan(0);
    expect(record.error).toBe("DeployRolledBack");
    expect(record.cause).toMatch(
      /HealthGateFailedError: Batch 1 of 2: instance i-\w+ is unhealthy in target group evidence-prod-web \(Target\.FailedHealthChecks\)/,
    );
    expect(record.cause).toMatch(/Console of i-\w+ \(last \d+ lines\): (.* \| )?listening on \d+ \| hello-app exited: signal SIGKILL/);
    const serving = fleet.cloud.snapshot(GROUP).instances.filter((i) => i.lifecycle === "InService");
    expect(serving.map((i) => i.release)).toEqual([EXAMPLE_RELEASES.first, EXAMPLE_RELEASES.first]);
    expect(serving.map((i) => i.instanceId).sort()).toEqual([...before].sort());
    expect(report).toMatchObject({ failed: 0, errors: [] });
    expect(report.total).toBeGreaterThan(20);
    expect((await readLock("evidence", "prod"))?.holder).toBeUndefined();
  });
});
