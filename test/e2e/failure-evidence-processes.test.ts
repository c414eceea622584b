import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readLock } from "../../functions/aws/lock/deploy-lock.js";
import { provideRuntime } from "../../functions/aws/runtime.js";
import type { DeployInputRaw } from "../../functions/core/config/input.js";
import { startBalancer, type Balancer } from "../../local/balancer/index.js";
import { ScaledClock } from "../../local/clock.js";
import { LocalCloud, setActiveCloud } from "../../local/cloud/index.js";
import { closeLocalDynamo } from "../../local/dynamo-session.js";
import { startLoad } from "../../local/load/index.js";
import { createProcessDriver, type ProcessDriver } from "../../local/process/index.js";
import { createLocalRuntime } from "../../local/runtime.js";
import { runLocalDeploy, type LocalFleet } from "../../local/scenario.js";
import { EXAMPLE_RELEASES } from "../../local/example-release-ids.js";

/** 50× real time: a 60 s boot takes 1.2 s. */
const SPEED = 50;
const GROUP = "evidence-prod";

let driver: ProcessDriver;
let balancer: Balancer;
let fleet: LocalFleet;

/** Two real app processes on the first example release behind a real balancer. */
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
    maxSize: 4,
    desiredCapacity: 2,
    availabilityZones: ["eu-west-1a", "eu-west-1b"],
    targetGroupArns: [targetGroupArn],
    launchTemplateId,
    tags: [{ key: "gantry:release", value: EXAMPLE_RELEASES.first, propagateAtLaunch: true }],
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
      app: "evidence",
      env: "prod",
      release: { id },
      group: { autoScalingGroupName: GROUP, targetGroupArns: [targetGroupArn] },
      strategy: { batches: ["50%"], bakeSeconds: 20, pollSeconds: 5, healthTimeoutSeconds: 300 },
      gates: { alarms: [] },
      trigger: { source: "local" },
    }),
  };
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
