import { provideRuntime } from "../../functions/aws/runtime.js";
import type { DeployInputRaw } from "../../functions/core/config/input.js";
import { startBalancer, type Balancer } from "../../local/balancer/index.js";
import { ScaledClock } from "../../local/clock.js";
import { LocalCloud, setActiveCloud } from "../../local/cloud/index.js";
import { createProcessDriver, type ProcessDriver } from "../../local/process/index.js";
import { createLocalRuntime } from "../../local/runtime.js";
import type { LocalFleet } from "../../local/scenario.js";

/** 50× real time: a 60 s boot takes 1.2 s, a 30 s deregistration delay 0.6 s. */
export const SPEED = 50;

export interface ProcessFleetOptions {
  app: string;
  group: string;
  instances: number;
  maxSize: number;
  /** The release the group's instances start on (its `gantry:release` tag). */
  release: string;
  gates: DeployInputRaw["gates"];
}

export interface ProcessFleet {
  driver: ProcessDriver;
  balancer: Balancer;
  fleet: LocalFleet;
}

/**
 * Real app processes behind a real local balancer, every one serving, with gantry's clients on
 * this cloud: a group in two zones, one target group (checks every 10 s, healthy and unhealthy
 * after 2, a 30 s deregistration delay), deploys in two batches with a 20 s bake.
 */
export async function startProcessFleet(options: ProcessFleetOptions): Promise<ProcessFleet> {
  const { app, group } = options;
  const clock = new ScaledClock(SPEED);
  const driver = createProcessDriver({ clock, checkIntervalMs: 100 });
  const cloud = new LocalCloud({ clock, driver: () => driver });
  const launchTemplateId = cloud.createLaunchTemplate({ name: group, imageId: "ami-0123456789abcdef0" });
  const targetGroupArn = cloud.createTargetGroup({
    name: `${group}-web`,
    healthCheckIntervalSeconds: 10,
    healthyThreshold: 2,
    unhealthyThreshold: 2,
    deregistrationDelaySeconds: 30,
  });
  cloud.createGroup({
    name: group,
    minSize: 1,
    maxSize: options.maxSize,
    desiredCapacity: options.instances,
    availabilityZones: ["eu-west-1a", "eu-west-1b"],
    targetGroupArns: [targetGroupArn],
    launchTemplateId,
    tags: [{ key: "gantry:release", value: options.release, propagateAtLaunch: true }],
    bootSeconds: 60,
  });
  setActiveCloud(cloud);
  provideRuntime(createLocalRuntime({ cloud }));
  const balancer = await startBalancer({ cloud, targetGroupArn, driver });
  const ids = cloud.snapshot(group).instances.map((i) => i.instanceId);
  await driver.waitUntilServing(ids, 10_000);
  await balancer.waitUntilRoutable(ids, 10_000);
  const fleet: LocalFleet = {
    cloud,
    clock,
    groupName: group,
    targetGroupArns: [targetGroupArn],
    launchTemplateId,
    deployInput: (id: string): DeployInputRaw => ({
      app,
      env: "prod",
      release: { id },
      group: { autoScalingGroupName: group, targetGroupArns: [targetGroupArn] },
      strategy: { batches: ["50%"], bakeSeconds: 20, pollSeconds: 5, healthTimeoutSeconds: 300 },
      gates: options.gates,
      trigger: { source: "local" },
    }),
  };
  return { driver, balancer, fleet };
}
