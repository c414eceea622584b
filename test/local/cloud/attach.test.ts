import {
  AutoScalingClient,
  AutoScalingServiceException,
  DescribeAutoScalingGroupsCommand,
  DescribeLifecycleHooksCommand,
  ResourceContentionFault,
  SetDesiredCapacityCommand,
} from "@aws-sdk/client-auto-scaling";
import { DescribeInstancesCommand, EC2ServiceException } from "@aws-sdk/client-ec2";
import { describe, expect, it } from "vitest";
import { VirtualClock } from "../../../local/clock.js";
import { attachLocalCloud, LocalCloud, LocalCloudUnsupportedError, setActiveCloud } from "../../../local/cloud/index.js";
import { GROUP, helloFleet, ZONES } from "./fixtures.js";

const config = { region: "eu-west-1", credentials: { accessKeyId: "x", secretAccessKey: "y" } };

describe("attachLocalCloud", () => {
  it("answers a real AutoScalingClient from the local cloud, with AWS's response shape", async () => {
    const { autoScaling, launchTemplateId, targetGroupArn } = helloFleet();

    const out = await autoScaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [GROUP] }));

    expect(out.$metadata.httpStatusCode).toBe(200);
    expect(out.$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/);
    const group = out.AutoScalingGroups?.[0];
    expect(group).toMatchObject({
      AutoScalingGroupName: GROUP,
      MinSize: 2,
      MaxSize: 12,
      DesiredCapacity: 6,
      AvailabilityZones: ZONES,
      TargetGroupARNs: [targetGroupArn],
      LaunchTemplate: { LaunchTemplateId: launchTemplateId, LaunchTemplateName: "hello", Version: "1" },
      SuspendedProcesses: [],
    });
    expect(group?.AutoScalingGroupARN).toMatch(/^arn:aws:autoscaling:eu-west-1:123456789012:autoScalingGroup:.+:autoScalingGroupName\/hello-prod$/);
    expect(group?.Tags).toContainEqual({ ResourceId: GROUP, ResourceType: "auto-scaling-group", Key: "gantry:release", Value: "r1", PropagateAtLaunch: true });
    expect(group?.Instances).toHaveLength(6);
    expect(group?.Instances?.[0]).toMatchObject({ LifecycleState: "InService", HealthStatus: "Healthy", ProtectedFromScaleIn: false });
  });

  it("leaves unknown group names out of the answer instead of failing", async () => {
    const { autoScaling } = helloFleet();

    const out = await autoScaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ["nope", GROUP] }));

    expect(out.AutoScalingGroups?.map((g) => g.AutoScalingGroupName)).toEqual([GROUP]);
  });

  it("rejects a command the cloud does not model, naming it", async () => {
    const { autoScaling } = helloFleet();

    const call = autoScaling.send(new DescribeLifecycleHooksCommand({ AutoScalingGroupName: GROUP }));

    await expect(call).rejects.toThrow(LocalCloudUnsupportedError);
    await expect(call).rejects.toThrow(/DescribeLifecycleHooks/);
  });

  it("rejects a parameter the cloud would otherwise ignore", async () => {
    const { ec2 } = helloFleet();

    const call = ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: "vpc-id", Values: ["vpc-1"] }] }));

    await expect(call).rejects.toThrow(/Filters\[vpc-id\] of DescribeInstances/);
  });

  it("answers once per command when attached twice", async () => {
    const { cloud, autoScaling } = helloFleet();
    attachLocalCloud(autoScaling, cloud);

    await autoScaling.send(new DescribeAutoScalingGroupsCommand({}));

    expect(cloud.calls).toEqual({ total: 1, byCommand: { DescribeAutoScalingGroups: 1 } });
  });

  it("follows setActiveCloud, so a module-scope client can be pointed at a fresh cloud per test", async () => {
    const client = attachLocalCloud(new AutoScalingClient(config));
    const first = helloFleet().cloud;
    const second = new LocalCloud({ clock: new VirtualClock() });

    setActiveCloud(first);
    const before = await client.send(new DescribeAutoScalingGroupsCommand({}));
    setActiveCloud(second);
    const after = await client.send(new DescribeAutoScalingGroupsCommand({}));
    setActiveCloud(undefined);

    expect(before.AutoScalingGroups).toHaveLength(1);
    expect(after.AutoScalingGroups).toEqual([]);
  });

  it("fails loudly when no cloud is active", async () => {
    setActiveCloud(undefined);
    const client = attachLocalCloud(new AutoScalingClient(config));

    await expect(client.send(new DescribeAutoScalingGroupsCommand({}))).rejects.toThrow(/No local cloud is active/);
  });
});

describe("LocalCloud.failNext", () => {
  it("fails the next calls with the SDK's error shape, then answers again", async () => {
    const { cloud, autoScaling } = helloFleet();
    cloud.failNext("DescribeAutoScalingGroupsCommand", "Throttling", 2);

    const errors = await Promise.all([1, 2].map(() => autoScaling.send(new DescribeAutoScalingGroupsCommand({})).catch((e: unknown) => e)));
    const third = await autoScaling.send(new DescribeAutoScalingGroupsCommand({}));

    for (const error of errors) {
      expect(error).toBeInstanceOf(AutoScalingServiceException);
      expect(error).toMatchObject({ name: "Throttling", message: "Rate exceeded", $fault: "client", $metadata: { httpStatusCode: 400 } });
    }
    expect(third.AutoScalingGroups).toHaveLength(1);
    expect(cloud.calls.byCommand["DescribeAutoScalingGroups"]).toBe(3);
  });

  it("uses the SDK's own exception class where the service models the error", async () => {
    const { cloud, autoScaling } = helloFleet();
    cloud.failNext("SetDesiredCapacity", "ResourceContentionFault");

    const call = autoScaling.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: GROUP, DesiredCapacity: 7 }));

    await expect(call).rejects.toBeInstanceOf(ResourceContentionFault);
    expect(cloud.snapshot(GROUP).desiredCapacity).toBe(6);
  });

  it("raises EC2's RequestLimitExceeded as an EC2 service exception", async () => {
    const { cloud, ec2 } = helloFleet();
    cloud.failNext("DescribeInstances", "RequestLimitExceeded");

    const error = await ec2.send(new DescribeInstancesCommand({})).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(EC2ServiceException);
    expect(error).toMatchObject({ name: "RequestLimitExceeded", $metadata: { httpStatusCode: 400 } });
  });
});
