import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startProcessFleet } from "./process-fleet.js";
import { type Balancer } from "../../local/balancer/index.js";
import { startLoad } from "../../local/load/index.js";
import { type ProcessDriver } from "../../local/process/index.js";
import { runLocalDeploy, type LocalFleet } from "../../local/scenario.js";

const GROUP = "hello-prod";

let driver: ProcessDriver;
let balancer: Balancer;
let fleet: LocalFleet;

/** Four real app processes on a1f3c9e07b24 behind a real balancer, with gantry's clients on this cloud. */
beforeAll(async () => {
  ({ driver, balancer, fleet } = await startProcessFleet({
    app: "hello",
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

const releasesServing = () =>
  fleet.cloud
    .snapshot(GROUP)
    .instances.filter((i) => i.lifecycle === "InService")
    .map((i) => i.release)
    .sort();

describe("push-to-deploy with real processes behind the local balancer", () => {
  it("rolls b7d2e4f01c68 out under steady load without a failed request", async () => {
    const load = startLoad({ url: `${balancer.url}/`, ratePerSecond: 40, concurrency: 20 });

    const record = await runLocalDeploy(fleet, fleet.deployInput("b7d2e4f01c68"));
    const report = await load.stop();

    expect(record.status).toBe("SUCCEEDED");
    expect(releasesServing()).toEqual(["b7d2e4f01c68", "b7d2e4f01c68", "b7d2e4f01c68", "b7d2e4f01c68"]);
    expect(report).toMatchObject({ failed: 0, errors: [] });
    expect(report.total).toBeGreaterThan(100);
  });

  it("rolls c3e9a5d28f10 back when its /health fails, still without a failed request", async () => {
    const load = startLoad({ url: `${balancer.url}/`, ratePerSecond: 40, concurrency: 20 });

    const record = await runLocalDeploy(fleet, fleet.deployInput("c3e9a5d28f10"));
    const report = await load.stop();

    expect(record.status).toBe("FAILED");
    expect(record.error).toBe("DeployRolledBack");
    expect(record.cause).toMatch(/rolled back to b7d2e4f01c68/);
    expect(releasesServing()).toEqual(["b7d2e4f01c68", "b7d2e4f01c68", "b7d2e4f01c68", "b7d2e4f01c68"]);
    expect(report).toMatchObject({ failed: 0, errors: [] });
  });

  it("leaves no app process running once stopped", async () => {
    const running = driver.runningInstances();
    expect(running.length).toBeGreaterThanOrEqual(4);
    const pids = running.map((id) => driver.pidOf(id)!);

    await driver.stopAll();

    for (const pid of pids) expect(() => process.kill(pid, 0)).toThrow(/ESRCH/);
  });
});
