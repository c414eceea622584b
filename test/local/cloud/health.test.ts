import {
  CreateOrUpdateTagsCommand,
  EnterStandbyCommand,
  SetDesiredCapacityCommand,
  TerminateInstanceInAutoScalingGroupCommand,
} from "@aws-sdk/client-auto-scaling";
import { DescribeTargetHealthCommand } from "@aws-sdk/client-elastic-load-balancing-v2";
import { describe, expect, it } from "vitest";
import { InstanceUnreachableError } from "../../../local/cloud/index.js";
import { GROUP, helloFleet, seconds } from "./fixtures.js";

type Fleet = ReturnType<typeof helloFleet>;

async function healthOf(fleet: Fleet, instanceId: string) {
  const out = await fleet.elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: fleet.targetGroupArn, Targets: [{ Id: instanceId, Port: 80 }] }));
  return out.TargetHealthDescriptions?.[0]?.TargetHealth;
}

async function launchRelease(fleet: Fleet, release: string, desired: number): Promise<string[]> {
  const before = new Set(fleet.cloud.snapshot(GROUP).instances.map((i) => i.instanceId));
  await fleet.autoScaling.send(
    new CreateOrUpdateTagsCommand({
      Tags: [{ ResourceId: GROUP, ResourceType: "auto-scaling-group", Key: "gantry:release", Value: release, PropagateAtLaunch: true }],
    }),
  );
  await fleet.autoScaling.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: GROUP, DesiredCapacity: desired }));
  return fleet.cloud
    .snapshot(GROUP)
    .instances.map((i) => i.instanceId)
    .filter((id) => !before.has(id));
}

describe("target health", () => {
  it("turns unhealthy after the unhealthy threshold of failed checks and healthy again after the healthy threshold", async () => {
    const fleet = helloFleet();
    const start = fleet.clock.now();
    const a = fleet.cloud.snapshot(GROUP).instances[0]!.instanceId;
    // Checks run at start + 10 s, 20 s, ...; health flips between checks.
    fleet.cloud.setInstanceHealth(a, false, start + seconds(13));
    fleet.cloud.setInstanceHealth(a, true, start + seconds(47));

    fleet.clock.set(start + seconds(29));
    expect(await healthOf(fleet, a)).toEqual({ State: "healthy" });
    fleet.clock.set(start + seconds(30));
    expect(await healthOf(fleet, a)).toEqual({
      State: "unhealthy",
      Reason: "Target.ResponseCodeMismatch",
      Description: "Health checks failed with these codes: [503]",
    });
    expect(fleet.cloud.servingCount(GROUP)).toBe(5);
    fleet.clock.set(start + seconds(59));
    expect((await healthOf(fleet, a))?.State).toBe("unhealthy");
    fleet.clock.set(start + seconds(60));
    expect((await healthOf(fleet, a))?.State).toBe("healthy");
  });

  it("ignores a failure shorter than the unhealthy threshold", async () => {
    const fleet = helloFleet();
    const start = fleet.clock.now();
    const a = fleet.cloud.snapshot(GROUP).instances[0]!.instanceId;
    fleet.cloud.setInstanceHealth(a, false, start + seconds(15));
    fleet.cloud.setInstanceHealth(a, true, start + seconds(25));

    fleet.clock.set(start + seconds(3600));

    expect(await healthOf(fleet, a)).toEqual({ State: "healthy" });
  });

  it("folds hours of checks into one answer when asked only at the end", async () => {
    const fleet = helloFleet();
    const start = fleet.clock.now();
    const [a, b] = fleet.cloud.snapshot(GROUP).instances.map((i) => i.instanceId) as [string, string];
    fleet.cloud.setInstanceHealth(a, false, start + seconds(5 * 3600));
    fleet.cloud.setInstanceHealth(b, false, start + seconds(10 * 3600 - 5));

    fleet.clock.set(start + seconds(10 * 3600));

    expect((await healthOf(fleet, a))?.State).toBe("unhealthy");
    expect((await healthOf(fleet, b))?.State).toBe("healthy");
  });

  it("keeps a new instance of an unhealthy release initial, then unhealthy, out of service", async () => {
    const fleet = helloFleet();
    fleet.cloud.setReleaseHealth("r2", "unhealthy");
    const [fresh] = (await launchRelease(fleet, "r2", 7)) as [string];
    fleet.clock.advance(seconds(60));

    expect(await healthOf(fleet, fresh)).toEqual({ State: "initial", Reason: "Elb.RegistrationInProgress", Description: "Target registration is in progress" });
    fleet.clock.advance(seconds(10));
    expect(await healthOf(fleet, fresh)).toEqual({ State: "initial", Reason: "Elb.InitialHealthChecking", Description: "Initial health checks in progress" });
    fleet.clock.advance(seconds(10));
    expect((await healthOf(fleet, fresh))?.State).toBe("unhealthy");
    expect(fleet.cloud.servingCount(GROUP)).toBe(6);
  });

  it("reports a deregistered instance as unused and a terminated one as in an invalid state", async () => {
    const fleet = helloFleet();
    const [a, b] = fleet.cloud.snapshot(GROUP).instances.map((i) => i.instanceId) as [string, string];
    await fleet.autoScaling.send(new EnterStandbyCommand({ AutoScalingGroupName: GROUP, InstanceIds: [a], ShouldDecrementDesiredCapacity: true }));
    await fleet.autoScaling.send(new TerminateInstanceInAutoScalingGroupCommand({ InstanceId: b, ShouldDecrementDesiredCapacity: true }));
    fleet.clock.advance(seconds(30));

    expect(await healthOf(fleet, a)).toEqual({ State: "unused", Reason: "Target.NotRegistered", Description: "Target is not registered to the target group" });
    expect(await healthOf(fleet, b)).toMatchObject({ State: "unused", Reason: "Target.InvalidState" });
  });
});

describe("LocalCloud.httpProbe", () => {
  it("answers /health and /version from the instance's release", async () => {
    const fleet = helloFleet();
    fleet.cloud.setReleaseHealth("r2", "unhealthy");
    const [fresh] = (await launchRelease(fleet, "r2", 7)) as [string];
    fleet.clock.advance(seconds(60));
    const old = fleet.cloud.snapshot(GROUP).instances[0]!.instanceId;

    expect(await fleet.cloud.httpProbe(fresh, "/health")).toEqual({ status: 503, body: "unhealthy" });
    expect(await fleet.cloud.httpProbe(fresh, "/version")).toEqual({ status: 200, body: '{"release":"r2"}' });
    expect(await fleet.cloud.httpProbe(old, "/health")).toEqual({ status: 200, body: "ok" });
  });

  it("rejects a probe of an instance that is still booting", async () => {
    const fleet = helloFleet();
    const [fresh] = (await launchRelease(fleet, "r2", 7)) as [string];

    await expect(fleet.cloud.httpProbe(fresh, "/health")).rejects.toBeInstanceOf(InstanceUnreachableError);
  });
});
