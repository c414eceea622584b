import { GetCommandInvocationCommand, SendCommandCommand, SSMClient, type GetCommandInvocationCommandOutput } from "@aws-sdk/client-ssm";
import { AutoScalingClient } from "@aws-sdk/client-auto-scaling";
import { ScaledClock } from "../../../local/clock.js";
import { attachLocalCloud, LocalCloud } from "../../../local/cloud/index.js";
import { createProcessDriver, type ProcessDriver } from "../../../local/process/index.js";

/** Virtual time runs 20× real time: a 5 s health-check interval takes 250 ms. */
export const SPEED = 20;

export interface ProcessFleetOptions {
  group?: string;
  instances: number;
  release?: string;
  /** Seconds, cloud time (default 10: half a second real). */
  bootSeconds?: number;
  /** Seconds, cloud time (default 4: 200 ms real). */
  deregistrationDelaySeconds?: number;
}

export interface ProcessFleet {
  clock: ScaledClock;
  cloud: LocalCloud;
  driver: ProcessDriver;
  targetGroupArn: string;
  launchTemplateId: string;
  group: string;
  autoScaling: AutoScalingClient;
  instanceIds(): string[];
  /** Adds a second group of `instances` warm instances on `release` behind the same target group. */
  addGroup(name: string, instances: number, release: string): string[];
}

/**
 * A local cloud whose instances are real processes of the example app, behind one target group
 * with ALB's shortest settings (5 s checks, thresholds 2/2), on a clock 20× faster than real.
 */
export function processFleet(options: ProcessFleetOptions): ProcessFleet {
  const clock = new ScaledClock(SPEED);
  const driver = createProcessDriver({ clock, checkIntervalMs: 50 });
  const cloud = new LocalCloud({ clock, driver: () => driver });
  const launchTemplateId = cloud.createLaunchTemplate({ name: "hello", imageId: "ami-0123456789abcdef0" });
  const targetGroupArn = cloud.createTargetGroup({
    name: "hello-prod-web",
    healthCheckIntervalSeconds: 5,
    healthyThreshold: 2,
    unhealthyThreshold: 2,
    deregistrationDelaySeconds: options.deregistrationDelaySeconds ?? 4,
  });
  const addGroup = (name: string, instances: number, release: string) => {
    cloud.createGroup({
      name,
      minSize: 0,
      maxSize: instances + 2,
      desiredCapacity: instances,
      availabilityZones: ["eu-west-1a", "eu-west-1b"],
      targetGroupArns: [targetGroupArn],
      launchTemplateId,
      tags: [{ key: "gantry:release", value: release, propagateAtLaunch: true }],
      bootSeconds: options.bootSeconds ?? 10,
    });
    return cloud.snapshot(name).instances.map((i) => i.instanceId);
  };
  const group = options.group ?? "hello-prod";
  addGroup(group, options.instances, options.release ?? "a1f3c9e07b24");
  const config = { region: "eu-west-1", credentials: { accessKeyId: "x", secretAccessKey: "y" } };
  return {
    clock,
    cloud,
    driver,
    targetGroupArn,
    launchTemplateId,
    group,
    autoScaling: attachLocalCloud(new AutoScalingClient(config), cloud),
    instanceIds: () => cloud.snapshot(group).instances.map((i) => i.instanceId),
    addGroup,
  };
}

/** Polls `check` every 20 ms until it returns true; fails with `what` after `timeoutMs` real ms. */
export async function eventually(what: string, check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting until ${what}.`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Whether an OS process with this id still exists. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const TERMINAL_INVOCATION = new Set(["Success", "Failed", "TimedOut", "Cancelled"]);

/** Sends the in-place deploy of `release` to one instance and polls its invocation, as gantry does, until it ends (15 s of real time at most). */
export async function deployInPlace(cloud: LocalCloud, instanceId: string, release: string): Promise<GetCommandInvocationCommandOutput> {
  const ssm = attachLocalCloud(new SSMClient({ region: "eu-west-1", credentials: { accessKeyId: "x", secretAccessKey: "y" } }), cloud);
  const sent = await ssm.send(
    new SendCommandCommand({
      DocumentName: "AWS-RunShellScript",
      InstanceIds: [instanceId],
      Parameters: { commands: [`/usr/local/bin/gantry-deploy ${release}`] },
    }),
  );
  const deadline = performance.now() + 15_000;
  for (;;) {
    try {
      const out = await ssm.send(new GetCommandInvocationCommand({ CommandId: sent.Command!.CommandId!, InstanceId: instanceId }));
      if (TERMINAL_INVOCATION.has(out.Status ?? "")) return out;
    } catch (error) {
      if ((error as Error).name !== "InvocationDoesNotExist") throw error;
    }
    if (performance.now() > deadline) throw new Error(`The deploy of ${release} on ${instanceId} did not end within 15 s.`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
