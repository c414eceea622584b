import { DescribeAutoScalingGroupsCommand, SetDesiredCapacityCommand } from "@aws-sdk/client-auto-scaling";
import {
  DescribeTargetGroupAttributesCommand,
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  TargetGroupNotFoundException,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import { describe, expect, it } from "vitest";
import { VirtualClock } from "../../../local/clock.js";
import { LocalCloud, LocalCloudSetupError } from "../../../local/cloud/index.js";
import { AMI_V1, clientsFor, helloFleet, seconds, ZONES } from "./fixtures.js";

describe("DescribeTargetGroups", () => {
  it("describes the target group's health check settings and load balancer", async () => {
    const { elb, targetGroupArn } = helloFleet();

    const out = await elb.send(new DescribeTargetGroupsCommand({ TargetGroupArns: [targetGroupArn] }));

    expect(targetGroupArn).toMatch(/^arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup\/hello-prod-web\/[0-9a-f]{16}$/);
    expect(out.TargetGroups?.[0]).toMatchObject({
      TargetGroupName: "hello-prod-web",
      Protocol: "HTTP",
      Port: 80,
      HealthCheckPath: "/health",
      HealthCheckIntervalSeconds: 10,
      HealthyThresholdCount: 2,
      UnhealthyThresholdCount: 2,
      LoadBalancerArns: [expect.stringMatching(/:loadbalancer\/app\/gantry-alb\//)],
    });
  });

  it("rejects the whole call when any ARN is unknown", async () => {
    const { elb, targetGroupArn } = helloFleet();
    const unknown = targetGroupArn.replace(/[0-9a-f]{16}$/, "ffffffffffffffff");

    const call = elb.send(new DescribeTargetGroupsCommand({ TargetGroupArns: [targetGroupArn, unknown] }));

    await expect(call).rejects.toBeInstanceOf(TargetGroupNotFoundException);
    await expect(elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: unknown }))).rejects.toBeInstanceOf(TargetGroupNotFoundException);
  });

  it("reports the deregistration delay as a target group attribute", async () => {
    const { elb, targetGroupArn } = helloFleet();

    const out = await elb.send(new DescribeTargetGroupAttributesCommand({ TargetGroupArn: targetGroupArn }));

    expect(out.Attributes).toContainEqual({ Key: "deregistration_delay.timeout_seconds", Value: "30" });
  });
});

describe("target group membership", () => {
  function spreadFleet(desired: number) {
    const clock = new VirtualClock();
    const cloud = new LocalCloud({ clock });
    const launchTemplateId = cloud.createLaunchTemplate({ name: "big", imageId: AMI_V1 });
    const arns = [1, 2, 3].map((n) => cloud.createTargetGroup({ name: `big-${n}` }));
    cloud.createGroup({
      name: "big",
      minSize: 0,
      maxSize: 4000,
      desiredCapacity: desired,
      availabilityZones: ZONES,
      targetGroupArns: arns,
      launchTemplateId,
      targetGroupMembership: "spread",
    });
    return { clock, cloud, arns, ...clientsFor(cloud) };
  }

  it("registers every instance in every attached target group by default", async () => {
    const { cloud, elb, targetGroupArn } = helloFleet();
    const second = cloud.createTargetGroup({ name: "hello-prod-api" });
    cloud.createGroup({
      name: "both",
      minSize: 0,
      maxSize: 4,
      desiredCapacity: 2,
      availabilityZones: ZONES,
      targetGroupArns: [targetGroupArn, second],
      launchTemplateId: cloud.createLaunchTemplate({ name: "both", imageId: AMI_V1 }),
    });

    const first = await elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: targetGroupArn }));
    const other = await elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: second }));

    expect(first.TargetHealthDescriptions).toHaveLength(8);
    expect(other.TargetHealthDescriptions).toHaveLength(2);
  });

  it("spreads instances one target group each, the emptiest first", async () => {
    const { clock, elb, arns, autoScaling } = spreadFleet(2500);

    const sizes = async () =>
      Promise.all(arns.map(async (arn) => (await elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: arn }))).TargetHealthDescriptions?.length));
    const warm = await sizes();

    await autoScaling.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: "big", DesiredCapacity: 2504 }));
    clock.advance(seconds(60));

    expect(warm).toEqual([834, 833, 833]);
    expect(await sizes()).toEqual([835, 835, 834]);
  });

  it("fails a launch whose registration would exceed 1,000 targets per target group", async () => {
    const { clock, cloud, autoScaling, elb, arns } = spreadFleet(3000);

    await autoScaling.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: "big", DesiredCapacity: 3001 }));
    clock.advance(seconds(60));
    const out = await autoScaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ["big"] }));
    const health = await elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: arns[0]! }));

    expect(out.AutoScalingGroups?.[0]?.Instances?.filter((i) => i.LifecycleState === "InService")).toHaveLength(3000);
    expect(health.TargetHealthDescriptions).toHaveLength(1000);
    expect(cloud.activities("big").find((a) => a.status === "Failed")?.statusMessage).toMatch(/limit on the number of targets/);
  });

  it("rejects a warm fleet larger than its target groups can hold", () => {
    const cloud = new LocalCloud();
    const tg = cloud.createTargetGroup({ name: "small" });
    const launchTemplateId = cloud.createLaunchTemplate({ name: "t", imageId: AMI_V1 });

    const create = () =>
      cloud.createGroup({
        name: "too-big",
        minSize: 0,
        maxSize: 2000,
        desiredCapacity: 1001,
        availabilityZones: ZONES,
        targetGroupArns: [tg],
        launchTemplateId,
      });

    expect(create).toThrow(LocalCloudSetupError);
    expect(create).toThrow(/quota of 1000 targets per target group/);
  });
});
