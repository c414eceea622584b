import { SetDesiredCapacityCommand, TerminateInstanceInAutoScalingGroupCommand } from "@aws-sdk/client-auto-scaling";
import {
  CreateLaunchTemplateVersionCommand,
  DescribeInstancesCommand,
  DescribeLaunchTemplateVersionsCommand,
  type DescribeInstancesCommandInput,
} from "@aws-sdk/client-ec2";
import { describe, expect, it } from "vitest";
import { AMI_V1, AMI_V2, GROUP, helloFleet, seconds } from "./fixtures.js";

type Fleet = ReturnType<typeof helloFleet>;

/** Every instance id across all pages, and how many pages it took. */
async function allPages(fleet: Fleet, input: DescribeInstancesCommandInput): Promise<{ ids: string[]; pages: number }> {
  const ids: string[] = [];
  let pages = 0;
  let token: string | undefined;
  do {
    const out = await fleet.ec2.send(new DescribeInstancesCommand({ ...input, NextToken: token }));
    pages++;
    for (const reservation of out.Reservations ?? []) for (const i of reservation.Instances ?? []) ids.push(i.InstanceId!);
    token = out.NextToken;
  } while (token);
  return { ids, pages };
}

describe("DescribeInstances", () => {
  it("pages through every instance with MaxResults, each exactly once", async () => {
    const fleet = helloFleet({ desiredCapacity: 12 });

    const { ids, pages } = await allPages(fleet, { MaxResults: 5 });

    expect(pages).toBe(3);
    expect(new Set(ids).size).toBe(12);
    expect(ids.sort()).toEqual(
      fleet.cloud
        .snapshot(GROUP)
        .instances.map((i) => i.instanceId)
        .sort(),
    );
  });

  it("filters by tag, state and instance id together", async () => {
    const fleet = helloFleet();
    const [a, b] = fleet.cloud.snapshot(GROUP).instances.map((i) => i.instanceId) as [string, string];
    await fleet.autoScaling.send(new TerminateInstanceInAutoScalingGroupCommand({ InstanceId: a, ShouldDecrementDesiredCapacity: true }));
    fleet.clock.advance(seconds(30));

    const running = await allPages(fleet, {
      Filters: [
        { Name: "tag:gantry:release", Values: ["r1"] },
        { Name: "instance-state-name", Values: ["pending", "running"] },
      ],
    });
    const terminated = await allPages(fleet, { Filters: [{ Name: "instance-state-name", Values: ["terminated"] }] });
    const byId = await allPages(fleet, {
      Filters: [
        { Name: "instance-id", Values: [a, b] },
        { Name: "tag:aws:autoscaling:groupName", Values: ["hello-*"] },
      ],
    });

    expect(running.ids).toHaveLength(5);
    expect(running.ids).not.toContain(a);
    expect(terminated.ids).toEqual([a]);
    expect(byId.ids).toEqual([a, b]);
  });

  it("leaves ids it does not know out of an instance-id filter, where InstanceIds would fail, and pages it", async () => {
    const fleet = helloFleet({ desiredCapacity: 12 });
    const ids = fleet.cloud.snapshot(GROUP).instances.map((i) => i.instanceId);

    const { ids: found, pages } = await allPages(fleet, {
      Filters: [{ Name: "instance-id", Values: [...ids.slice(0, 7), "i-0000000000nothere"] }],
      MaxResults: 5,
    });

    expect(pages).toBe(2);
    expect(found.sort()).toEqual(ids.slice(0, 7).sort());
    const wildcard = await allPages(fleet, { Filters: [{ Name: "instance-id", Values: [`${ids[0]!.slice(0, -1)}?`] }] });
    expect(wildcard.ids).toContain(ids[0]);
  });

  it("describes an instance with AWS's fields", async () => {
    const fleet = helloFleet();
    const first = fleet.cloud.snapshot(GROUP).instances[0]!;

    const out = await fleet.ec2.send(new DescribeInstancesCommand({ InstanceIds: [first.instanceId] }));

    const instance = out.Reservations?.[0]?.Instances?.[0];
    expect(instance).toMatchObject({
      InstanceId: first.instanceId,
      ImageId: AMI_V1,
      State: { Code: 16, Name: "running" },
      Placement: { AvailabilityZone: first.availabilityZone },
      LaunchTime: new Date(Date.UTC(2026, 0, 5, 9, 0, 0)),
    });
    expect(instance?.InstanceId).toMatch(/^i-[0-9a-f]{17}$/);
    expect(instance?.PrivateIpAddress).toMatch(/^10\.\d+\.\d+\.\d+$/);
  });

  it("answers LaunchTime in whole seconds, as EC2 does, for an instance launched mid-second", async () => {
    const fleet = helloFleet();
    const before = new Set(fleet.cloud.snapshot(GROUP).instances.map((i) => i.instanceId));
    fleet.clock.advance(700);
    await fleet.autoScaling.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: GROUP, DesiredCapacity: 7 }));

    const out = await fleet.ec2.send(new DescribeInstancesCommand({}));

    const launched = out.Reservations?.flatMap((r) => r.Instances ?? []).filter((i) => !before.has(i.InstanceId!));
    expect(launched?.map((i) => i.LaunchTime)).toEqual([new Date(Date.UTC(2026, 0, 5, 9, 0, 0))]);
  });

  it("forgets terminated instances after an hour", async () => {
    const fleet = helloFleet();
    const a = fleet.cloud.snapshot(GROUP).instances[0]!.instanceId;
    await fleet.autoScaling.send(new TerminateInstanceInAutoScalingGroupCommand({ InstanceId: a, ShouldDecrementDesiredCapacity: true }));

    fleet.clock.advance(seconds(30 + 3600));

    const { ids } = await allPages(fleet, {});
    expect(ids).toHaveLength(5);
    expect(ids).not.toContain(a);
  });

  it("rejects an unknown instance id", async () => {
    const fleet = helloFleet();

    const call = fleet.ec2.send(new DescribeInstancesCommand({ InstanceIds: ["i-0000000000000dead"] }));

    await expect(call).rejects.toMatchObject({ name: "InvalidInstanceID.NotFound", message: "The instance ID 'i-0000000000000dead' does not exist" });
  });

  it("rejects MaxResults outside 5..1000 and together with InstanceIds", async () => {
    const fleet = helloFleet();
    const a = fleet.cloud.snapshot(GROUP).instances[0]!.instanceId;

    await expect(fleet.ec2.send(new DescribeInstancesCommand({ MaxResults: 4 }))).rejects.toMatchObject({ name: "InvalidParameterValue" });
    await expect(fleet.ec2.send(new DescribeInstancesCommand({ InstanceIds: [a], MaxResults: 5 }))).rejects.toMatchObject({
      name: "InvalidParameterCombination",
    });
  });
});

describe("launch template versions", () => {
  it("creates a version and resolves $Latest and $Default", async () => {
    const fleet = helloFleet();

    const created = await fleet.ec2.send(
      new CreateLaunchTemplateVersionCommand({
        LaunchTemplateName: "hello",
        SourceVersion: "$Latest",
        VersionDescription: "r2",
        LaunchTemplateData: { ImageId: AMI_V2 },
      }),
    );
    const described = await fleet.ec2.send(
      new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: fleet.launchTemplateId, Versions: ["$Latest", "$Default"] }),
    );

    expect(created.LaunchTemplateVersion).toMatchObject({
      LaunchTemplateId: fleet.launchTemplateId,
      LaunchTemplateName: "hello",
      VersionNumber: 2,
      LaunchTemplateData: { ImageId: AMI_V2 },
    });
    expect(described.LaunchTemplateVersions?.map((v) => [v.VersionNumber, v.LaunchTemplateData?.ImageId, v.DefaultVersion])).toEqual([
      [2, AMI_V2, false],
      [1, AMI_V1, true],
    ]);
  });

  it("launches with the version the group names at launch time", async () => {
    const fleet = helloFleet({ launchTemplateVersion: "$Latest" });
    await fleet.ec2.send(new CreateLaunchTemplateVersionCommand({ LaunchTemplateId: fleet.launchTemplateId, LaunchTemplateData: { ImageId: AMI_V2 } }));

    await fleet.autoScaling.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: GROUP, DesiredCapacity: 7 }));

    expect(fleet.cloud.snapshot(GROUP).instances.at(-1)).toMatchObject({ launchTemplateVersion: 2, imageId: AMI_V2 });
  });

  it("rejects an unknown template name", async () => {
    const fleet = helloFleet();

    const call = fleet.ec2.send(new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateName: "nope" }));

    await expect(call).rejects.toMatchObject({ name: "InvalidLaunchTemplateName.NotFoundException" });
  });
});
