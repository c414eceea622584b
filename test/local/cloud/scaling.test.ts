import {
  CreateOrUpdateTagsCommand,
  DeleteTagsCommand,
  DescribeAutoScalingGroupsCommand,
  ResumeProcessesCommand,
  SetDesiredCapacityCommand,
  SuspendProcessesCommand,
  UpdateAutoScalingGroupCommand,
} from "@aws-sdk/client-auto-scaling";
import { CreateLaunchTemplateVersionCommand, DescribeInstancesCommand } from "@aws-sdk/client-ec2";
import { describe, expect, it } from "vitest";
import { AMI_V1, AMI_V2, GROUP, helloFleet, seconds } from "./fixtures.js";

type Fleet = ReturnType<typeof helloFleet>;

const setDesired = (fleet: Fleet, desired: number) =>
  fleet.autoScaling.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: GROUP, DesiredCapacity: desired }));

function countBy<T>(items: T[], key: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
}

describe("SetDesiredCapacity", () => {
  it("launches into the zones with the fewest instances", async () => {
    const fleet = helloFleet();

    await setDesired(fleet, 10);

    const instances = fleet.cloud.snapshot(GROUP).instances;
    expect(countBy(instances, (i) => i.availabilityZone)).toEqual({ "eu-west-1a": 4, "eu-west-1b": 3, "eu-west-1c": 3 });
    expect(countBy(instances, (i) => i.lifecycle)).toEqual({ InService: 6, Pending: 4 });
  });

  it("tags launched instances with the group's propagated tags and its name", async () => {
    const fleet = helloFleet();
    const before = new Set(fleet.cloud.snapshot(GROUP).instances.map((i) => i.instanceId));

    await setDesired(fleet, 7);

    const fresh = fleet.cloud.snapshot(GROUP).instances.find((i) => !before.has(i.instanceId))!;
    const out = await fleet.ec2.send(new DescribeInstancesCommand({ InstanceIds: [fresh.instanceId] }));
    const instance = out.Reservations?.[0]?.Instances?.[0];
    expect(instance?.Tags).toEqual([
      { Key: "gantry:release", Value: "r1" },
      { Key: "aws:autoscaling:groupName", Value: GROUP },
    ]);
    expect(instance).toMatchObject({ ImageId: AMI_V1, State: { Name: "pending" } });
  });

  it("brings a launch InService after the boot time, then healthy after two checks", async () => {
    const fleet = helloFleet();
    await setDesired(fleet, 7);

    fleet.clock.advance(seconds(59));
    expect(fleet.cloud.snapshot(GROUP).instances.filter((i) => i.lifecycle === "Pending")).toHaveLength(1);
    fleet.clock.advance(seconds(1));
    const fresh = fleet.cloud.snapshot(GROUP).instances.at(-1)!;
    expect(fresh).toMatchObject({ lifecycle: "InService", ec2State: "running", targets: [{ state: "initial" }] });
    expect(fleet.cloud.servingCount(GROUP)).toBe(6);
    fleet.clock.advance(seconds(20));
    expect(fleet.cloud.servingCount(GROUP)).toBe(7);
  });

  it("rejects a value above the maximum with AWS's wording", async () => {
    const fleet = helloFleet({ maxSize: 14 });

    await expect(setDesired(fleet, 15)).rejects.toMatchObject({
      name: "ValidationError",
      $fault: "client",
      message: "New SetDesiredCapacity value 15 is above max value 14 for the AutoScalingGroup.",
    });
  });

  it("rejects a value below the minimum with AWS's wording", async () => {
    const fleet = helloFleet();

    await expect(setDesired(fleet, 1)).rejects.toMatchObject({
      name: "ValidationError",
      message: "New SetDesiredCapacity value 1 is below min value 2 for the AutoScalingGroup.",
    });
  });

  it("scales in from the fullest zone, oldest launch template version first", async () => {
    const fleet = helloFleet();
    await fleet.ec2.send(
      new CreateLaunchTemplateVersionCommand({ LaunchTemplateId: fleet.launchTemplateId, SourceVersion: "1", LaunchTemplateData: { ImageId: AMI_V2 } }),
    );
    await fleet.autoScaling.send(
      new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: GROUP, LaunchTemplate: { LaunchTemplateId: fleet.launchTemplateId, Version: "$Latest" } }),
    );
    await setDesired(fleet, 7);
    fleet.clock.advance(seconds(60));

    await setDesired(fleet, 6);

    const terminating = fleet.cloud.snapshot(GROUP).instances.filter((i) => i.lifecycle === "Terminating");
    expect(terminating).toHaveLength(1);
    expect(terminating[0]).toMatchObject({ availabilityZone: "eu-west-1a", launchTemplateVersion: 1, imageId: AMI_V1 });
    const v2 = fleet.cloud.snapshot(GROUP).instances.filter((i) => i.launchTemplateVersion === 2);
    expect(v2).toMatchObject([{ lifecycle: "InService", imageId: AMI_V2, availabilityZone: "eu-west-1a" }]);
  });
});

describe("UpdateAutoScalingGroup", () => {
  it("raises desired capacity to a new minimum, as AWS does", async () => {
    const fleet = helloFleet();

    await fleet.autoScaling.send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: GROUP, MinSize: 8 }));

    const snapshot = fleet.cloud.snapshot(GROUP);
    expect(snapshot).toMatchObject({ minSize: 8, desiredCapacity: 8 });
    expect(snapshot.instances).toHaveLength(8);
  });

  it("rejects a launch template that does not exist", async () => {
    const fleet = helloFleet();

    const call = fleet.autoScaling.send(
      new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: GROUP, LaunchTemplate: { LaunchTemplateId: "lt-0000000000000dead", Version: "$Latest" } }),
    );

    await expect(call).rejects.toMatchObject({ name: "ValidationError", message: expect.stringMatching(/lt-0000000000000dead, does not exist/) });
  });
});

describe("SuspendProcesses and ResumeProcesses", () => {
  it("holds launches while Launch is suspended and catches up on resume", async () => {
    const fleet = helloFleet();
    await fleet.autoScaling.send(new SuspendProcessesCommand({ AutoScalingGroupName: GROUP, ScalingProcesses: ["Launch"] }));

    await setDesired(fleet, 8);
    const suspended = await fleet.autoScaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [GROUP] }));
    const whileSuspended = fleet.cloud.snapshot(GROUP).instances.length;
    await fleet.autoScaling.send(new ResumeProcessesCommand({ AutoScalingGroupName: GROUP }));

    expect(suspended.AutoScalingGroups?.[0]?.SuspendedProcesses).toEqual([
      { ProcessName: "Launch", SuspensionReason: "User suspended at 2026-01-05T09:00:00Z" },
    ]);
    expect(whileSuspended).toBe(6);
    expect(fleet.cloud.snapshot(GROUP).instances).toHaveLength(8);
  });

  it("suspends every process when none is named", async () => {
    const fleet = helloFleet();

    await fleet.autoScaling.send(new SuspendProcessesCommand({ AutoScalingGroupName: GROUP }));

    expect(fleet.cloud.snapshot(GROUP).suspendedProcesses).toContain("AZRebalance");
    expect(fleet.cloud.snapshot(GROUP).suspendedProcesses).toHaveLength(9);
  });

  it("rejects an unknown process name", async () => {
    const fleet = helloFleet();

    const call = fleet.autoScaling.send(new SuspendProcessesCommand({ AutoScalingGroupName: GROUP, ScalingProcesses: ["Lunch"] }));

    await expect(call).rejects.toMatchObject({ name: "ValidationError", message: expect.stringMatching(/Lunch/) });
  });
});

describe("CreateOrUpdateTags", () => {
  it("propagates a changed tag to instances launched afterwards, not to running ones", async () => {
    const fleet = helloFleet();

    await fleet.autoScaling.send(
      new CreateOrUpdateTagsCommand({
        Tags: [{ ResourceId: GROUP, ResourceType: "auto-scaling-group", Key: "gantry:release", Value: "r2", PropagateAtLaunch: true }],
      }),
    );
    await setDesired(fleet, 8);

    expect(countBy(fleet.cloud.snapshot(GROUP).instances, (i) => i.release ?? "none")).toEqual({ r1: 6, r2: 2 });
  });
});

describe("LocalCloud scenario controls", () => {
  it("fails scripted launches: never InService, terminated with a reason, then replaced", async () => {
    const fleet = helloFleet();
    fleet.cloud.failLaunches(GROUP, 1);
    await setDesired(fleet, 7);
    const failed = fleet.cloud.snapshot(GROUP).instances.at(-1)!.instanceId;

    fleet.clock.advance(seconds(60));
    const out = await fleet.ec2.send(new DescribeInstancesCommand({ InstanceIds: [failed] }));
    fleet.clock.advance(seconds(60));

    expect(out.Reservations?.[0]?.Instances?.[0]).toMatchObject({ State: { Name: "terminated" }, StateReason: { Code: "Server.InternalError" } });
    expect(fleet.cloud.activities(GROUP).filter((a) => a.status === "Failed")).toMatchObject([{ description: `Launching a new EC2 instance: ${failed}` }]);
    const snapshot = fleet.cloud.snapshot(GROUP);
    expect(snapshot.instances.map((i) => i.lifecycle)).toEqual(Array(7).fill("InService"));
    expect(snapshot.instances.map((i) => i.instanceId)).not.toContain(failed);
  });

  it("changes capacity like a scaling policy with scaleBySelf, without an API call", () => {
    const fleet = helloFleet();

    fleet.cloud.scaleBySelf(GROUP, 50);

    expect(fleet.cloud.snapshot(GROUP)).toMatchObject({ desiredCapacity: 12 });
    expect(fleet.cloud.snapshot(GROUP).instances).toHaveLength(12);
    expect(fleet.cloud.calls.total).toBe(0);
  });
});

describe("DescribeAutoScalingGroups", () => {
  it("pages through groups with MaxRecords and NextToken", async () => {
    const fleet = helloFleet();
    for (const name of ["api-prod", "worker-prod"]) {
      fleet.cloud.createGroup({
        name,
        minSize: 0,
        maxSize: 2,
        desiredCapacity: 1,
        availabilityZones: ["eu-west-1a"],
        launchTemplateId: fleet.launchTemplateId,
      });
    }

    const first = await fleet.autoScaling.send(new DescribeAutoScalingGroupsCommand({ MaxRecords: 2 }));
    const second = await fleet.autoScaling.send(new DescribeAutoScalingGroupsCommand({ MaxRecords: 2, NextToken: first.NextToken }));

    expect(first.AutoScalingGroups?.map((g) => g.AutoScalingGroupName)).toEqual(["api-prod", GROUP]);
    expect(second.AutoScalingGroups?.map((g) => g.AutoScalingGroupName)).toEqual(["worker-prod"]);
    expect(second.NextToken).toBeUndefined();
  });

  it("rejects MaxRecords above 100", async () => {
    const fleet = helloFleet();

    await expect(fleet.autoScaling.send(new DescribeAutoScalingGroupsCommand({ MaxRecords: 101 }))).rejects.toMatchObject({ name: "ValidationError" });
  });
});

describe("DeleteTags", () => {
  it("stops a deleted tag from reaching instances launched afterwards", async () => {
    const fleet = helloFleet();

    await fleet.autoScaling.send(new DeleteTagsCommand({ Tags: [{ ResourceId: GROUP, ResourceType: "auto-scaling-group", Key: "gantry:release" }] }));
    await setDesired(fleet, 7);

    const group = await fleet.autoScaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [GROUP] }));
    expect(group.AutoScalingGroups?.[0]?.Tags?.map((t) => t.Key)).toEqual(["team"]);
    expect(countBy(fleet.cloud.snapshot(GROUP).instances, (i) => i.release ?? "none")).toEqual({ r1: 6, none: 1 });
  });
});
