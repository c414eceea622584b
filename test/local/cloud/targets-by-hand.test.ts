import { DescribeAutoScalingGroupsCommand } from "@aws-sdk/client-auto-scaling";
import { CreateTagsCommand, DescribeInstancesCommand } from "@aws-sdk/client-ec2";
import {
  DeregisterTargetsCommand,
  DescribeTargetHealthCommand,
  InvalidTargetException,
  RegisterTargetsCommand,
  TargetGroupNotFoundException,
  TooManyTargetsException,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import { describe, expect, it } from "vitest";
import { GROUP, helloFleet, seconds } from "./fixtures.js";

const healthOf = async (fleet: ReturnType<typeof helloFleet>, id: string) => {
  const out = await fleet.elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: fleet.targetGroupArn, Targets: [{ Id: id }] }));
  return out.TargetHealthDescriptions?.[0]?.TargetHealth;
};

describe("DeregisterTargets", () => {
  it("drains the target for the deregistration delay, then reports it not registered, the instance still InService", async () => {
    const fleet = helloFleet();
    const [id] = fleet.cloud.snapshot(GROUP).instances.map((i) => i.instanceId) as [string];

    await fleet.elb.send(new DeregisterTargetsCommand({ TargetGroupArn: fleet.targetGroupArn, Targets: [{ Id: id }] }));
    const during = await healthOf(fleet, id);
    const servingDuring = fleet.cloud.servingCount(GROUP);
    fleet.clock.advance(seconds(30));
    const after = await healthOf(fleet, id);
    fleet.clock.advance(seconds(600));
    const group = await fleet.autoScaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [GROUP] }));

    expect(during).toEqual({ State: "draining", Reason: "Target.DeregistrationInProgress", Description: "Target deregistration is in progress" });
    expect(servingDuring).toBe(5);
    expect(fleet.cloud.routableTargets(fleet.targetGroupArn)).not.toContain(id);
    expect(after).toEqual({ State: "unused", Reason: "Target.NotRegistered", Description: "Target is not registered to the target group" });
    expect(await healthOf(fleet, id)).toMatchObject({ State: "unused" });
    expect(group.AutoScalingGroups?.[0]?.Instances?.find((i) => i.InstanceId === id)?.LifecycleState).toBe("InService");
    expect(fleet.cloud.snapshot(GROUP).instances.find((i) => i.instanceId === id)?.targets).toEqual([]);
  });

  it("succeeds and changes nothing for a target that is not registered", async () => {
    const fleet = helloFleet();
    const [id] = fleet.cloud.snapshot(GROUP).instances.map((i) => i.instanceId) as [string];
    await fleet.elb.send(new DeregisterTargetsCommand({ TargetGroupArn: fleet.targetGroupArn, Targets: [{ Id: id }] }));
    fleet.clock.advance(seconds(10));

    await fleet.elb.send(new DeregisterTargetsCommand({ TargetGroupArn: fleet.targetGroupArn, Targets: [{ Id: id }] }));

    expect(await healthOf(fleet, id)).toMatchObject({ State: "draining" });
    fleet.clock.advance(seconds(20));
    expect(await healthOf(fleet, id)).toMatchObject({ State: "unused", Reason: "Target.NotRegistered" });
  });

  it("rejects an unknown instance and an unknown target group", async () => {
    const fleet = helloFleet();
    const unknownGroup = fleet.targetGroupArn.replace(/[0-9a-f]{16}$/, "ffffffffffffffff");

    await expect(
      fleet.elb.send(new DeregisterTargetsCommand({ TargetGroupArn: fleet.targetGroupArn, Targets: [{ Id: "i-0000000000000dead" }] })),
    ).rejects.toBeInstanceOf(InvalidTargetException);
    await expect(fleet.elb.send(new DeregisterTargetsCommand({ TargetGroupArn: unknownGroup, Targets: [{ Id: "i-1" }] }))).rejects.toBeInstanceOf(
      TargetGroupNotFoundException,
    );
  });
});

describe("RegisterTargets", () => {
  it("registers a target fresh: initial, then healthy after the healthy threshold, serving again", async () => {
    const fleet = helloFleet();
    const [id] = fleet.cloud.snapshot(GROUP).instances.map((i) => i.instanceId) as [string];
    await fleet.elb.send(new DeregisterTargetsCommand({ TargetGroupArn: fleet.targetGroupArn, Targets: [{ Id: id }] }));
    fleet.clock.advance(seconds(30));

    await fleet.elb.send(new RegisterTargetsCommand({ TargetGroupArn: fleet.targetGroupArn, Targets: [{ Id: id, Port: 80 }] }));
    const registered = await healthOf(fleet, id);
    fleet.clock.advance(seconds(10));
    const afterOneCheck = await healthOf(fleet, id);
    const servingAfterOne = fleet.cloud.servingCount(GROUP);
    fleet.clock.advance(seconds(10));

    expect(registered).toEqual({ State: "initial", Reason: "Elb.RegistrationInProgress", Description: "Target registration is in progress" });
    expect(afterOneCheck).toMatchObject({ State: "initial", Reason: "Elb.InitialHealthChecking" });
    expect(servingAfterOne).toBe(5);
    expect(await healthOf(fleet, id)).toEqual({ State: "healthy" });
    expect(fleet.cloud.servingCount(GROUP)).toBe(6);
    expect(fleet.cloud.snapshot(GROUP).instances.find((i) => i.instanceId === id)?.targets).toEqual([
      { targetGroupArn: fleet.targetGroupArn, state: "healthy" },
    ]);
  });

  it("registers a draining target again, and stays unhealthy while its release fails checks", async () => {
    const fleet = helloFleet();
    const [id] = fleet.cloud.snapshot(GROUP).instances.map((i) => i.instanceId) as [string];
    await fleet.elb.send(new DeregisterTargetsCommand({ TargetGroupArn: fleet.targetGroupArn, Targets: [{ Id: id }] }));
    fleet.cloud.setReleaseHealth("r1", "unhealthy");

    await fleet.elb.send(new RegisterTargetsCommand({ TargetGroupArn: fleet.targetGroupArn, Targets: [{ Id: id }] }));
    fleet.clock.advance(seconds(60));

    expect(await healthOf(fleet, id)).toMatchObject({ State: "unhealthy", Reason: "Target.ResponseCodeMismatch" });
  });

  it("leaves a target already registered as it is", async () => {
    const fleet = helloFleet();
    const [id] = fleet.cloud.snapshot(GROUP).instances.map((i) => i.instanceId) as [string];

    await fleet.elb.send(new RegisterTargetsCommand({ TargetGroupArn: fleet.targetGroupArn, Targets: [{ Id: id }] }));

    expect(await healthOf(fleet, id)).toEqual({ State: "healthy" });
    expect(fleet.cloud.servingCount(GROUP)).toBe(6);
  });

  it("fails with TooManyTargetsException past the target group's quota, registering none of the targets", async () => {
    const fleet = helloFleet();
    const small = fleet.cloud.createTargetGroup({ name: "small", maxTargets: 2 });
    const ids = fleet.cloud.snapshot(GROUP).instances.map((i) => i.instanceId);

    const call = fleet.elb.send(new RegisterTargetsCommand({ TargetGroupArn: small, Targets: ids.slice(0, 3).map((Id) => ({ Id })) }));

    await expect(call).rejects.toBeInstanceOf(TooManyTargetsException);
    await expect(call).rejects.toThrow("You've reached the limit on the number of targets registered to target group small (2).");
    const health = await fleet.elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: small }));
    expect(health.TargetHealthDescriptions).toEqual([]);
  });

  it("rejects an instance that is not running, or unknown, with InvalidTargetException", async () => {
    const fleet = helloFleet();
    const stopped = fleet.cloud.createInstance({ state: "stopped" });

    const call = fleet.elb.send(new RegisterTargetsCommand({ TargetGroupArn: fleet.targetGroupArn, Targets: [{ Id: stopped }] }));

    await expect(call).rejects.toBeInstanceOf(InvalidTargetException);
    await expect(call).rejects.toThrow(`The following targets are not in a running state and cannot be registered: '${stopped}'`);
    await expect(
      fleet.elb.send(new RegisterTargetsCommand({ TargetGroupArn: fleet.targetGroupArn, Targets: [{ Id: "i-0000000000000dead" }] })),
    ).rejects.toThrow("The following targets are not valid instances: 'i-0000000000000dead'");
  });
});

describe("CreateTags", () => {
  it("changes an instance's tags: DescribeInstances, the snapshot's release and the release-scripted health follow", async () => {
    const fleet = helloFleet();
    const [id] = fleet.cloud.snapshot(GROUP).instances.map((i) => i.instanceId) as [string];
    fleet.cloud.setReleaseHealth("r2", "unhealthy");

    await fleet.ec2.send(new CreateTagsCommand({ Resources: [id], Tags: [{ Key: "gantry:release", Value: "r2" }, { Key: "deployed-by" }] }));
    fleet.clock.advance(seconds(30));
    const out = await fleet.ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }));

    expect(out.Reservations?.[0]?.Instances?.[0]?.Tags).toEqual(
      expect.arrayContaining([
        { Key: "gantry:release", Value: "r2" },
        { Key: "deployed-by", Value: "" },
      ]),
    );
    expect(fleet.cloud.snapshot(GROUP).instances.find((i) => i.instanceId === id)).toMatchObject({ release: "r2", runningRelease: "r2" });
    expect(await healthOf(fleet, id)).toMatchObject({ State: "unhealthy" });
  });

  it("rejects the whole call when one instance is unknown, tagging none", async () => {
    const fleet = helloFleet();
    const [id] = fleet.cloud.snapshot(GROUP).instances.map((i) => i.instanceId) as [string];

    const call = fleet.ec2.send(new CreateTagsCommand({ Resources: [id, "i-0000000000000dead"], Tags: [{ Key: "gantry:release", Value: "r2" }] }));

    await expect(call).rejects.toMatchObject({ name: "InvalidInstanceID.NotFound", message: "The instance ID 'i-0000000000000dead' does not exist" });
    expect(fleet.cloud.snapshot(GROUP).instances[0]?.release).toBe("r1");
  });

  it("rejects tag keys in the reserved aws: namespace", async () => {
    const fleet = helloFleet();
    const [id] = fleet.cloud.snapshot(GROUP).instances.map((i) => i.instanceId) as [string];

    const call = fleet.ec2.send(new CreateTagsCommand({ Resources: [id], Tags: [{ Key: "aws:autoscaling:groupName", Value: "other" }] }));

    await expect(call).rejects.toMatchObject({ name: "InvalidParameterValue" });
  });
});
