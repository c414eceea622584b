import {
  DescribeAutoScalingGroupsCommand,
  EnterStandbyCommand,
  ExitStandbyCommand,
  TerminateInstanceInAutoScalingGroupCommand,
} from "@aws-sdk/client-auto-scaling";
import { DescribeInstancesCommand } from "@aws-sdk/client-ec2";
import { DescribeTargetHealthCommand } from "@aws-sdk/client-elastic-load-balancing-v2";
import { describe, expect, it } from "vitest";
import { GROUP, helloFleet, seconds } from "./fixtures.js";

async function lifecycles(fleet: ReturnType<typeof helloFleet>): Promise<Record<string, string | undefined>> {
  const out = await fleet.autoScaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [GROUP] }));
  return Object.fromEntries((out.AutoScalingGroups?.[0]?.Instances ?? []).map((i) => [i.InstanceId, i.LifecycleState]));
}

async function targetStates(fleet: ReturnType<typeof helloFleet>): Promise<Record<string, string | undefined>> {
  const out = await fleet.elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: fleet.targetGroupArn }));
  return Object.fromEntries((out.TargetHealthDescriptions ?? []).map((d) => [d.Target?.Id, d.TargetHealth?.State]));
}

function instanceIds(fleet: ReturnType<typeof helloFleet>): string[] {
  return fleet.cloud.snapshot(GROUP).instances.map((i) => i.instanceId);
}

describe("EnterStandby", () => {
  it("decrements desired capacity and drains for the deregistration delay before Standby", async () => {
    const fleet = helloFleet();
    const [a, b] = instanceIds(fleet) as [string, string];

    const out = await fleet.autoScaling.send(
      new EnterStandbyCommand({ AutoScalingGroupName: GROUP, InstanceIds: [a, b], ShouldDecrementDesiredCapacity: true }),
    );

    expect(out.Activities?.map((x) => x.Description)).toEqual([`Moving EC2 instance to Standby: ${a}`, `Moving EC2 instance to Standby: ${b}`]);
    expect(out.Activities?.[0]?.Cause).toMatch(/shrinking the capacity from 6 to 4\.$/);
    expect(fleet.cloud.snapshot(GROUP).desiredCapacity).toBe(4);
    expect((await lifecycles(fleet))[a]).toBe("EnteringStandby");
    expect((await targetStates(fleet))[a]).toBe("draining");
    expect(fleet.cloud.servingCount(GROUP)).toBe(4);

    fleet.clock.advance(seconds(29));
    expect((await lifecycles(fleet))[a]).toBe("EnteringStandby");

    fleet.clock.advance(seconds(1));
    expect((await lifecycles(fleet))[a]).toBe("Standby");
    expect(await targetStates(fleet)).not.toHaveProperty(a);
    expect(fleet.cloud.snapshot(GROUP).instances).toHaveLength(6);
  });

  it("launches a replacement when desired capacity is kept", async () => {
    const fleet = helloFleet();
    const [a] = instanceIds(fleet) as [string];

    await fleet.autoScaling.send(new EnterStandbyCommand({ AutoScalingGroupName: GROUP, InstanceIds: [a], ShouldDecrementDesiredCapacity: false }));

    const snapshot = fleet.cloud.snapshot(GROUP);
    expect(snapshot.desiredCapacity).toBe(6);
    expect(snapshot.instances.filter((i) => i.lifecycle === "Pending")).toHaveLength(1);
  });

  it("rejects more than 20 instance ids", async () => {
    const fleet = helloFleet({ maxSize: 30, desiredCapacity: 21 });
    const ids = instanceIds(fleet);

    const call = fleet.autoScaling.send(new EnterStandbyCommand({ AutoScalingGroupName: GROUP, InstanceIds: ids, ShouldDecrementDesiredCapacity: true }));

    await expect(call).rejects.toMatchObject({ name: "ValidationError", message: expect.stringMatching(/between 1 and 20/) });
    expect(fleet.cloud.snapshot(GROUP).desiredCapacity).toBe(21);
  });

  it("rejects an instance that is not InService, naming it", async () => {
    const fleet = helloFleet();
    const [a] = instanceIds(fleet) as [string];
    await fleet.autoScaling.send(new EnterStandbyCommand({ AutoScalingGroupName: GROUP, InstanceIds: [a], ShouldDecrementDesiredCapacity: true }));

    const again = fleet.autoScaling.send(new EnterStandbyCommand({ AutoScalingGroupName: GROUP, InstanceIds: [a], ShouldDecrementDesiredCapacity: true }));

    await expect(again).rejects.toMatchObject({ name: "ValidationError", message: `The instance ${a} is not in InService.` });
  });

  it("rejects a decrement that would take desired capacity below the minimum", async () => {
    const fleet = helloFleet({ minSize: 5 });
    const [a, b] = instanceIds(fleet) as [string, string];

    const call = fleet.autoScaling.send(new EnterStandbyCommand({ AutoScalingGroupName: GROUP, InstanceIds: [a, b], ShouldDecrementDesiredCapacity: true }));

    await expect(call).rejects.toMatchObject({ name: "ValidationError", message: expect.stringMatching(/min-size=5/) });
    expect((await lifecycles(fleet))[a]).toBe("InService");
  });
});

describe("ExitStandby", () => {
  it("re-registers the instance, which turns healthy only after threshold x interval", async () => {
    const fleet = helloFleet();
    const [a] = instanceIds(fleet) as [string];
    await fleet.autoScaling.send(new EnterStandbyCommand({ AutoScalingGroupName: GROUP, InstanceIds: [a], ShouldDecrementDesiredCapacity: true }));
    fleet.clock.advance(seconds(30));

    const out = await fleet.autoScaling.send(new ExitStandbyCommand({ AutoScalingGroupName: GROUP, InstanceIds: [a] }));

    expect(out.Activities?.[0]?.Cause).toMatch(/increasing the capacity from 5 to 6\.$/);
    expect((await lifecycles(fleet))[a]).toBe("Pending");
    fleet.clock.advance(seconds(5));
    expect((await lifecycles(fleet))[a]).toBe("InService");
    const registered = await fleet.elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: fleet.targetGroupArn, Targets: [{ Id: a }] }));
    expect(registered.TargetHealthDescriptions?.[0]?.TargetHealth).toMatchObject({ State: "initial", Reason: "Elb.RegistrationInProgress" });
    fleet.clock.advance(seconds(19));
    expect((await targetStates(fleet))[a]).toBe("initial");
    fleet.clock.advance(seconds(1));
    expect((await targetStates(fleet))[a]).toBe("healthy");
    expect(fleet.cloud.servingCount(GROUP)).toBe(6);
  });

  it("rejects an instance that is not in Standby", async () => {
    const fleet = helloFleet();
    const [a] = instanceIds(fleet) as [string];

    const call = fleet.autoScaling.send(new ExitStandbyCommand({ AutoScalingGroupName: GROUP, InstanceIds: [a] }));

    await expect(call).rejects.toMatchObject({ name: "ValidationError", message: `The instance ${a} is not in Standby.` });
  });

  it("rejects leaving standby when desired capacity would exceed the maximum", async () => {
    const fleet = helloFleet({ maxSize: 6 });
    const [a] = instanceIds(fleet) as [string];
    await fleet.autoScaling.send(new EnterStandbyCommand({ AutoScalingGroupName: GROUP, InstanceIds: [a], ShouldDecrementDesiredCapacity: false }));
    fleet.clock.advance(seconds(30));

    const call = fleet.autoScaling.send(new ExitStandbyCommand({ AutoScalingGroupName: GROUP, InstanceIds: [a] }));

    await expect(call).rejects.toMatchObject({ name: "ValidationError", message: expect.stringMatching(/above the maximum/) });
    expect((await lifecycles(fleet))[a]).toBe("Standby");
  });
});

describe("TerminateInstanceInAutoScalingGroup", () => {
  it("drains, then terminates, decrementing desired capacity when asked", async () => {
    const fleet = helloFleet();
    const [a] = instanceIds(fleet) as [string];

    const out = await fleet.autoScaling.send(new TerminateInstanceInAutoScalingGroupCommand({ InstanceId: a, ShouldDecrementDesiredCapacity: true }));

    expect(out.Activity?.Description).toBe(`Terminating EC2 instance: ${a}`);
    expect((await lifecycles(fleet))[a]).toBe("Terminating");
    expect((await targetStates(fleet))[a]).toBe("draining");
    fleet.clock.advance(seconds(30));
    expect(await lifecycles(fleet)).not.toHaveProperty(a);
    const ec2 = await fleet.ec2.send(new DescribeInstancesCommand({ InstanceIds: [a] }));
    expect(ec2.Reservations?.[0]?.Instances?.[0]?.State).toEqual({ Code: 48, Name: "terminated" });
    const snapshot = fleet.cloud.snapshot(GROUP);
    expect(snapshot.desiredCapacity).toBe(5);
    expect(snapshot.instances).toHaveLength(5);
  });

  it("launches a replacement for a counted instance when desired capacity is kept", async () => {
    const fleet = helloFleet();
    const [a] = instanceIds(fleet) as [string];

    await fleet.autoScaling.send(new TerminateInstanceInAutoScalingGroupCommand({ InstanceId: a, ShouldDecrementDesiredCapacity: false }));

    const lifecycleCounts = Object.values(await lifecycles(fleet)).sort();
    expect(lifecycleCounts).toEqual(["InService", "InService", "InService", "InService", "InService", "Pending", "Terminating"]);
  });

  it("leaves desired capacity alone for a Standby instance, whatever the flag", async () => {
    const fleet = helloFleet();
    const [a] = instanceIds(fleet) as [string];
    await fleet.autoScaling.send(new EnterStandbyCommand({ AutoScalingGroupName: GROUP, InstanceIds: [a], ShouldDecrementDesiredCapacity: true }));
    fleet.clock.advance(seconds(30));

    await fleet.autoScaling.send(new TerminateInstanceInAutoScalingGroupCommand({ InstanceId: a, ShouldDecrementDesiredCapacity: true }));
    fleet.clock.advance(seconds(1));

    const snapshot = fleet.cloud.snapshot(GROUP);
    expect(snapshot.desiredCapacity).toBe(5);
    expect(snapshot.instances.map((i) => i.lifecycle)).toEqual(Array(5).fill("InService"));
  });

  it("rejects a decrement below the minimum size", async () => {
    const fleet = helloFleet({ minSize: 6 });
    const [a] = instanceIds(fleet) as [string];

    const call = fleet.autoScaling.send(new TerminateInstanceInAutoScalingGroupCommand({ InstanceId: a, ShouldDecrementDesiredCapacity: true }));

    await expect(call).rejects.toMatchObject({ name: "ValidationError", message: expect.stringMatching(/^Currently, desiredSize equals minSize \(6\)/) });
  });

  it("rejects an instance id the group does not manage", async () => {
    const fleet = helloFleet();

    const call = fleet.autoScaling.send(
      new TerminateInstanceInAutoScalingGroupCommand({ InstanceId: "i-0123456789abcdef0", ShouldDecrementDesiredCapacity: true }),
    );

    await expect(call).rejects.toMatchObject({
      name: "ValidationError",
      message: expect.stringMatching(/No managed instance found for instance ID: i-0123456789abcdef0/),
    });
  });
});
