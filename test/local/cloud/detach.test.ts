import {
  DescribeAutoScalingGroupsCommand,
  DetachInstancesCommand,
  EnterStandbyCommand,
  TerminateInstanceInAutoScalingGroupCommand,
} from "@aws-sdk/client-auto-scaling";
import { DescribeInstancesCommand, TerminateInstancesCommand } from "@aws-sdk/client-ec2";
import { DescribeTargetHealthCommand } from "@aws-sdk/client-elastic-load-balancing-v2";
import { describe, expect, it } from "vitest";
import { GROUP, helloFleet, seconds } from "./fixtures.js";

type Fleet = ReturnType<typeof helloFleet>;

async function lifecycles(fleet: Fleet): Promise<Record<string, string | undefined>> {
  const out = await fleet.autoScaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [GROUP] }));
  return Object.fromEntries((out.AutoScalingGroups?.[0]?.Instances ?? []).map((i) => [i.InstanceId, i.LifecycleState]));
}

async function ec2State(fleet: Fleet, id: string): Promise<string | undefined> {
  const out = await fleet.ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }));
  return out.Reservations?.[0]?.Instances?.[0]?.State?.Name;
}

function instanceIds(fleet: Fleet): string[] {
  return fleet.cloud.snapshot(GROUP).instances.map((i) => i.instanceId);
}

/** Two instances parked the way a rollout parks them: Standby, desired capacity decremented. */
async function parkTwo(fleet: Fleet): Promise<[string, string]> {
  const [a, b] = instanceIds(fleet) as [string, string];
  await fleet.autoScaling.send(new EnterStandbyCommand({ AutoScalingGroupName: GROUP, InstanceIds: [a, b], ShouldDecrementDesiredCapacity: true }));
  fleet.clock.advance(seconds(30));
  return [a, b];
}

describe("DetachInstances", () => {
  it("takes Standby instances out of the group without changing desired capacity or launching", async () => {
    const fleet = helloFleet();
    const [a, b] = await parkTwo(fleet);
    expect(fleet.cloud.snapshot(GROUP).desiredCapacity).toBe(4);

    const out = await fleet.autoScaling.send(
      new DetachInstancesCommand({ AutoScalingGroupName: GROUP, InstanceIds: [a, b], ShouldDecrementDesiredCapacity: true }),
    );

    expect(out.Activities?.map((x) => x.Description)).toEqual([`Detaching EC2 instance: ${a}`, `Detaching EC2 instance: ${b}`]);
    expect(out.Activities?.[0]?.Cause).toMatch(/was detached in response to a user request\.$/);
    const group = await lifecycles(fleet);
    expect(group).not.toHaveProperty(a);
    expect(group).not.toHaveProperty(b);
    const snapshot = fleet.cloud.snapshot(GROUP);
    expect(snapshot.desiredCapacity).toBe(4);
    expect(snapshot.instances).toHaveLength(4);
    expect(snapshot.instances.every((i) => i.lifecycle === "InService")).toBe(true);
    expect(await ec2State(fleet, a)).toBe("running");
  });

  it("drains an InService instance (Detaching), decrements desired with the flag, and leaves it running outside the group", async () => {
    const fleet = helloFleet();
    const [a] = instanceIds(fleet) as [string];

    const out = await fleet.autoScaling.send(
      new DetachInstancesCommand({ AutoScalingGroupName: GROUP, InstanceIds: [a], ShouldDecrementDesiredCapacity: true }),
    );

    expect(out.Activities?.[0]?.Cause).toMatch(/shrinking the capacity from 6 to 5\.$/);
    expect((await lifecycles(fleet))[a]).toBe("Detaching");
    const health = await fleet.elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: fleet.targetGroupArn }));
    expect(health.TargetHealthDescriptions?.find((d) => d.Target?.Id === a)?.TargetHealth?.State).toBe("draining");

    fleet.clock.advance(seconds(30));
    expect(await lifecycles(fleet)).not.toHaveProperty(a);
    expect(await ec2State(fleet, a)).toBe("running");
    expect(fleet.cloud.snapshot(GROUP).instances).toHaveLength(5);
  });

  it("launches a replacement for a counted instance detached without the flag", async () => {
    const fleet = helloFleet();
    const [a] = instanceIds(fleet) as [string];

    await fleet.autoScaling.send(new DetachInstancesCommand({ AutoScalingGroupName: GROUP, InstanceIds: [a], ShouldDecrementDesiredCapacity: false }));

    const snapshot = fleet.cloud.snapshot(GROUP);
    expect(snapshot.desiredCapacity).toBe(6);
    expect(snapshot.instances.filter((i) => i.lifecycle === "Pending")).toHaveLength(1);
  });

  it("refuses more than 20 ids, instances in other states, other groups' ids, a missing flag, and going below min", async () => {
    const fleet = helloFleet();
    const ids = instanceIds(fleet);
    const detach = (InstanceIds: string[], ShouldDecrementDesiredCapacity?: boolean) =>
      fleet.autoScaling.send(new DetachInstancesCommand({ AutoScalingGroupName: GROUP, InstanceIds, ShouldDecrementDesiredCapacity } as never));

    await expect(
      detach(
        Array.from({ length: 21 }, (_, n) => `i-${n}`),
        true,
      ),
    ).rejects.toThrow(/between 1 and 20 \(got 21\)/);
    await expect(detach(["i-0000000000nothere"], true)).rejects.toThrow("The instance i-0000000000nothere is not part of Auto Scaling group hello-prod.");
    await expect(detach([ids[0]!])).rejects.toThrow(/shouldDecrementDesiredCapacity/);
    await expect(detach(ids.slice(0, 5), true)).rejects.toThrow(/below the minimum/);
    await fleet.autoScaling.send(new EnterStandbyCommand({ AutoScalingGroupName: GROUP, InstanceIds: [ids[0]!], ShouldDecrementDesiredCapacity: true }));
    await expect(detach([ids[0]!], true)).rejects.toThrow(`The instance ${ids[0]} is not in InService or Standby.`);
    expect(fleet.cloud.snapshot(GROUP).instances).toHaveLength(6);
  });
});

describe("TerminateInstances (EC2)", () => {
  it("terminates detached instances: shutting-down in the answer, terminated after, visible for an hour", async () => {
    const fleet = helloFleet();
    const [a, b] = await parkTwo(fleet);
    await fleet.autoScaling.send(new DetachInstancesCommand({ AutoScalingGroupName: GROUP, InstanceIds: [a, b], ShouldDecrementDesiredCapacity: false }));

    const out = await fleet.ec2.send(new TerminateInstancesCommand({ InstanceIds: [a, b] }));

    expect(out.TerminatingInstances).toEqual([
      { InstanceId: a, PreviousState: { Code: 16, Name: "running" }, CurrentState: { Code: 32, Name: "shutting-down" } },
      { InstanceId: b, PreviousState: { Code: 16, Name: "running" }, CurrentState: { Code: 32, Name: "shutting-down" } },
    ]);
    expect(await ec2State(fleet, a)).toBe("terminated");
    const again = await fleet.ec2.send(new TerminateInstancesCommand({ InstanceIds: [a] }));
    expect(again.TerminatingInstances?.[0]).toMatchObject({ PreviousState: { Name: "terminated" }, CurrentState: { Name: "terminated" } });
    expect(fleet.cloud.snapshot(GROUP).desiredCapacity).toBe(4);
    expect(fleet.cloud.snapshot(GROUP).instances).toHaveLength(4);

    fleet.clock.advance(seconds(3601));
    await expect(ec2State(fleet, a)).rejects.toThrow(`The instance ID '${a}' does not exist`);
  });

  it("fails the whole call for an unknown id, more than 1,000 ids or none, terminating nothing", async () => {
    const fleet = helloFleet();
    const [a] = await parkTwo(fleet);
    await fleet.autoScaling.send(new DetachInstancesCommand({ AutoScalingGroupName: GROUP, InstanceIds: [a], ShouldDecrementDesiredCapacity: false }));

    await expect(fleet.ec2.send(new TerminateInstancesCommand({ InstanceIds: [a, "i-0000000000nothere"] }))).rejects.toThrow(
      "The instance ID 'i-0000000000nothere' does not exist",
    );
    await expect(fleet.ec2.send(new TerminateInstancesCommand({ InstanceIds: Array.from({ length: 1001 }, (_, n) => `i-${n}`) }))).rejects.toThrow(
      /Up to 1000 instance IDs/,
    );
    await expect(fleet.ec2.send(new TerminateInstancesCommand({ InstanceIds: [] }))).rejects.toThrow(/InstanceId/);
    expect(await ec2State(fleet, a)).toBe("running");
  });

  it("refuses an instance its group still holds: gantry terminates those through the group", async () => {
    const fleet = helloFleet();
    const [a] = instanceIds(fleet) as [string];

    await expect(fleet.ec2.send(new TerminateInstancesCommand({ InstanceIds: [a] }))).rejects.toThrow(/TerminateInstances/);
    await expect(
      fleet.autoScaling.send(new TerminateInstanceInAutoScalingGroupCommand({ InstanceId: a, ShouldDecrementDesiredCapacity: true })),
    ).resolves.toHaveProperty("Activity");
  });
});
