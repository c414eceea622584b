import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { provideRuntime } from "../../functions/aws/runtime.js";
import { createLocalRuntime } from "../../local/runtime.js";
import type { DeployInputRaw } from "../../functions/core/config/input.js";
import { startBalancer, type Balancer } from "../../local/balancer/index.js";
import { ScaledClock } from "../../local/clock.js";
import { LocalCloud, setActiveCloud } from "../../local/cloud/index.js";
import { startLoad } from "../../local/load/index.js";
import { createProcessDriver, type ProcessDriver } from "../../local/process/index.js";
import { runLocalDeploy, type LocalFleet } from "../../local/scenario.js";

/** 50× real time: a 60 s boot takes 1.2 s, a 30 s deregistration delay 0.6 s. */
const SPEED = 50;
const GROUP = "hello-prod";

let driver: ProcessDriver;
let balancer: Balancer;
let fleet: LocalFleet;

/** Four real app processes on a1f3c9e07b24 behind a real balancer, with gantry's clients on this cloud. */
beforeAll(async () => {
  const clock = new ScaledClock(SPEED);
  driver = createProcessDriver({ clock, checkIntervalMs: 100 });
  const cloud = new LocalCloud({ clock, driver: () => driver });
  const launchTemplateId = cloud.createLaunchTemplate({ name: GROUP, imageId: "ami-0123456789abcdef0" });
  const targetGroupArn = cloud.createTargetGroup({
    name: `${GROUP}-web`,
    healthCheckIntervalSeconds: 10,
    healthyThreshold: 2,
    unhealthyThreshold: 2,
    deregistrationDelaySeconds: 30,
  });
  cloud.createGroup({
    name: GROUP,
    minSize: 1,
    maxSize: 6,
    desiredCapacity: 4,
    availabilityZones: ["eu-west-1a", "eu-west-1b"],
    targetGroupArns: [targetGroupArn],
    launchTemplateId,
    tags: [{ key: "gantry:release", value: "a1f3c9e07b24", propagateAtLaunch: true }],
    bootSeconds: 60,
  });
  setActiveCloud(cloud);
  provideRuntime(createLocalRuntime({ cloud }));
  balancer = await startBalancer({ cloud, targetGroupArn, driver });
  const ids = cloud.snapshot(GROUP).instances.map((i) => i.instanceId);
  await driver.waitUntilServing(ids, 10_000);
  await balancer.waitUntilRoutable(ids, 10_000);
  fleet = {
    cloud,
    clock,
    groupName: GROUP,
    targetGroupArns: [targetGroupArn],
    launchTemplateId,
    deployInput: (id: string): DeployInputRaw => ({
      app: "hello",
      env: "prod",
      release: { id },
      group: { autoScalingGroupName: GROUP, targetGroupArns: [targetGroupArn] },
      strategy: { batches: ["50%"], bakeSeconds: 20, pollSeconds: 5, healthTimeoutSeconds: 300 },
      gates: { http: { port: 80, healthPath: "/health", versionPath: "/version" } },
      trigger: { source: "local" },
    }),
  };
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
