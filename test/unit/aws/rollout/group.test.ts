import { AutoScalingClient, DescribeAutoScalingGroupsCommand, type AutoScalingGroup } from "@aws-sdk/client-auto-scaling";
import { DescribeInstancesCommand, EC2Client, type Instance } from "@aws-sdk/client-ec2";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import { readGroup } from "../../../../functions/aws/rollout/group.js";
import { GroupNotFoundError } from "../../../../functions/core/errors.js";
import { TG_WEB } from "../../fixtures.js";

const autoScaling = mockClient(AutoScalingClient);
const ec2 = mockClient(EC2Client);

afterEach(() => {
  autoScaling.reset();
  ec2.reset();
});

/** A DescribeAutoScalingGroups answer in the documented shape. */
const webGroup: AutoScalingGroup = {
  AutoScalingGroupName: "hello-prod-web",
  AutoScalingGroupARN: "arn:aws:autoscaling:eu-west-1:123456789012:autoScalingGroup:930d940e-891e-4781-a11a-7b0acd480f03:autoScalingGroupName/hello-prod-web",
  LaunchTemplate: { LaunchTemplateId: "lt-0123456789abcdef0", LaunchTemplateName: "hello-prod", Version: "3" },
  MinSize: 2,
  MaxSize: 6,
  DesiredCapacity: 3,
  DefaultCooldown: 300,
  AvailabilityZones: ["eu-west-1a", "eu-west-1b"],
  TargetGroupARNs: [TG_WEB],
  HealthCheckType: "ELB",
  HealthCheckGracePeriod: 300,
  CreatedTime: new Date("2024-11-02T10:00:00Z"),
  SuspendedProcesses: [{ ProcessName: "AZRebalance", SuspensionReason: "User suspended at 2025-03-04T08:59:00Z" }],
  Tags: [
    { ResourceId: "hello-prod-web", ResourceType: "auto-scaling-group", Key: "gantry:release", Value: "v1", PropagateAtLaunch: true },
    { ResourceId: "hello-prod-web", ResourceType: "auto-scaling-group", Key: "team", Value: "web", PropagateAtLaunch: false },
  ],
  Instances: [
    { InstanceId: "i-0aaa000000000001", AvailabilityZone: "eu-west-1a", LifecycleState: "InService", HealthStatus: "Healthy", ProtectedFromScaleIn: false },
    { InstanceId: "i-0aaa000000000002", AvailabilityZone: "eu-west-1b", LifecycleState: "InService", HealthStatus: "Healthy", ProtectedFromScaleIn: false },
    { InstanceId: "i-0aaa000000000003", AvailabilityZone: "eu-west-1a", LifecycleState: "Pending", HealthStatus: "Healthy", ProtectedFromScaleIn: false },
  ],
};

function ec2Instance(id: string, release: string | undefined, launched: string, ip: string): Instance {
  return {
    InstanceId: id,
    LaunchTime: new Date(launched),
    PrivateIpAddress: ip,
    State: { Code: 16, Name: "running" },
    Tags: [{ Key: "aws:autoscaling:groupName", Value: "hello-prod-web" }, ...(release ? [{ Key: "gantry:release", Value: release }] : [])],
  };
}

describe("readGroup", () => {
  it("merges the group with release tags, launch times and addresses read over every DescribeInstances page", async () => {
    autoScaling.on(DescribeAutoScalingGroupsCommand).resolves({ AutoScalingGroups: [webGroup] });
    ec2
      .on(DescribeInstancesCommand)
      .resolvesOnce({
        Reservations: [
          {
            Instances: [
              ec2Instance("i-0aaa000000000001", "v1", "2025-03-01T10:00:00Z", "10.0.1.11"),
              ec2Instance("i-0aaa000000000002", "v1", "2025-03-01T10:00:05Z", "10.0.2.12"),
            ],
          },
        ],
        NextToken: "page-2",
      })
      .resolvesOnce({ Reservations: [{ Instances: [ec2Instance("i-0aaa000000000003", "v2", "2025-03-04T09:01:00Z", "10.0.1.13")] }] });

    const group = await readGroup("hello-prod-web");

    expect(group).toEqual({
      name: "hello-prod-web",
      minSize: 2,
      maxSize: 6,
      desiredCapacity: 3,
      availabilityZones: ["eu-west-1a", "eu-west-1b"],
      targetGroupArns: [TG_WEB],
      suspendedProcesses: ["AZRebalance"],
      tags: { "gantry:release": "v1", team: "web" },
      launchTemplate: { id: "lt-0123456789abcdef0", name: "hello-prod", version: "3" },
      instances: [
        {
          id: "i-0aaa000000000001",
          availabilityZone: "eu-west-1a",
          lifecycleState: "InService",
          release: "v1",
          launchedAt: Date.parse("2025-03-01T10:00:00Z"),
          privateIp: "10.0.1.11",
        },
        {
          id: "i-0aaa000000000002",
          availabilityZone: "eu-west-1b",
          lifecycleState: "InService",
          release: "v1",
          launchedAt: Date.parse("2025-03-01T10:00:05Z"),
          privateIp: "10.0.2.12",
        },
        {
          id: "i-0aaa000000000003",
          availabilityZone: "eu-west-1a",
          lifecycleState: "Pending",
          release: "v2",
          launchedAt: Date.parse("2025-03-04T09:01:00Z"),
          privateIp: "10.0.1.13",
        },
      ],
    });
    expect(autoScaling).toHaveReceivedCommandWith(DescribeAutoScalingGroupsCommand, { AutoScalingGroupNames: ["hello-prod-web"] });
    expect(ec2).toHaveReceivedCommandTimes(DescribeInstancesCommand, 2);
    expect(ec2).toHaveReceivedNthCommandWith(DescribeInstancesCommand, 2, { NextToken: "page-2" });
    expect(ec2).toHaveReceivedCommandWith(DescribeInstancesCommand, {
      Filters: [{ Name: "instance-id", Values: ["i-0aaa000000000001", "i-0aaa000000000002", "i-0aaa000000000003"] }],
      MaxResults: 1000,
    });
  });

  it("describes only the instances not parked in Standby, 1,000 ids a request, however many are parked", async () => {
    const id = (n: number) => `i-0bbb${String(n).padStart(12, "0")}`;
    const member = (n: number, LifecycleState: "InService" | "Standby" | "EnteringStandby") => ({
      InstanceId: id(n),
      AvailabilityZone: "eu-west-1a",
      LifecycleState,
      HealthStatus: "Healthy",
      ProtectedFromScaleIn: false,
    });
    const inService = Array.from({ length: 2500 }, (_, n) => member(n, "InService"));
    const parked = Array.from({ length: 2500 }, (_, n) => member(10_000 + n, n % 2 ? "Standby" : "EnteringStandby"));
    autoScaling
      .on(DescribeAutoScalingGroupsCommand)
      .resolves({ AutoScalingGroups: [{ ...webGroup, DesiredCapacity: 2500, Instances: [...inService, ...parked] }] });
    ec2.on(DescribeInstancesCommand).callsFake((input: { Filters?: { Values?: string[] }[] }) => ({
      Reservations: (input.Filters?.[0]?.Values ?? []).map((instanceId) => ({
        Instances: [ec2Instance(instanceId, "v2", "2025-03-04T09:01:00Z", "10.0.1.13")],
      })),
    }));

    const group = await readGroup("hello-prod-web");

    const requested = ec2.commandCalls(DescribeInstancesCommand).map((call) => call.args[0].input.Filters?.[0]?.Values ?? []);
    expect(requested.map((ids) => ids.length)).toEqual([1000, 1000, 500]);
    expect(new Set(requested.flat())).toEqual(new Set(inService.map((instance) => instance.InstanceId)));
    expect(group.instances.filter((instance) => instance.release === "v2")).toHaveLength(2500);
    const standby = group.instances.filter((instance) => instance.lifecycleState !== "InService");
    expect(standby).toHaveLength(2500);
    for (const instance of standby) {
      expect(instance).not.toHaveProperty("release");
      expect(instance).not.toHaveProperty("releaseUnknown");
    }
  });

  it("asks for ids the filter missed by id, and reads them as release unknown when EC2 does not know them yet", async () => {
    autoScaling.on(DescribeAutoScalingGroupsCommand).resolves({ AutoScalingGroups: [webGroup] });
    ec2
      .on(DescribeInstancesCommand, { InstanceIds: ["i-0aaa000000000003"] })
      .rejects(Object.assign(new Error("The instance ID 'i-0aaa000000000003' does not exist"), { name: "InvalidInstanceID.NotFound" }))
      .on(DescribeInstancesCommand, { MaxResults: 1000 })
      .resolves({
        Reservations: [
          {
            Instances: [
              ec2Instance("i-0aaa000000000001", "v1", "2025-03-01T10:00:00Z", "10.0.1.11"),
              ec2Instance("i-0aaa000000000002", "v1", "2025-03-01T10:00:05Z", "10.0.2.12"),
            ],
          },
        ],
      });

    const group = await readGroup("hello-prod-web");

    expect(ec2).toHaveReceivedCommandWith(DescribeInstancesCommand, { InstanceIds: ["i-0aaa000000000003"] });
    expect(group.instances.map((instance) => instance.releaseUnknown ?? false)).toEqual([false, false, true]);
  });

  it("leaves the release unset for an instance without the tag", async () => {
    autoScaling.on(DescribeAutoScalingGroupsCommand).resolves({ AutoScalingGroups: [{ ...webGroup, Instances: webGroup.Instances?.slice(0, 1) }] });
    ec2
      .on(DescribeInstancesCommand)
      .resolves({ Reservations: [{ Instances: [ec2Instance("i-0aaa000000000001", undefined, "2025-03-01T10:00:00Z", "10.0.1.11")] }] });

    const group = await readGroup("hello-prod-web");

    expect(group.instances[0]).not.toHaveProperty("release");
    expect(group.instances[0]?.launchedAt).toBe(Date.parse("2025-03-01T10:00:00Z"));
  });

  it("reads a group without a launch template, tags or instances", async () => {
    const bare: AutoScalingGroup = { ...webGroup, LaunchTemplate: undefined, Tags: undefined, Instances: undefined, SuspendedProcesses: undefined };
    autoScaling.on(DescribeAutoScalingGroupsCommand).resolves({ AutoScalingGroups: [{ ...bare, DesiredCapacity: 0, MinSize: 0 }] });
    ec2.on(DescribeInstancesCommand).resolves({ Reservations: [] });

    const group = await readGroup("hello-prod-web");

    expect(group).not.toHaveProperty("launchTemplate");
    expect(group.tags).toEqual({});
    expect(group.instances).toEqual([]);
    expect(group.suspendedProcesses).toEqual([]);
  });

  it("fails with GroupNotFoundError naming the group and region when it does not exist", async () => {
    autoScaling.on(DescribeAutoScalingGroupsCommand).resolves({ AutoScalingGroups: [] });

    const reading = readGroup("hello-prod-typo");

    await expect(reading).rejects.toThrow(GroupNotFoundError);
    await expect(reading).rejects.toThrow('Auto Scaling group "hello-prod-typo" was not found in region eu-west-1');
    expect(ec2).not.toHaveReceivedCommand(DescribeInstancesCommand);
  });
});
