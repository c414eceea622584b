import { DescribeAutoScalingGroupsCommand, EnterStandbyCommand, SetDesiredCapacityCommand } from "@aws-sdk/client-auto-scaling";
import { DescribeTargetHealthCommand } from "@aws-sdk/client-elastic-load-balancing-v2";
import { describe, expect, it } from "vitest";
import { VirtualClock } from "../../../local/clock.js";
import { LocalCloud } from "../../../local/cloud/index.js";
import { AMI_V1, clientsFor, seconds, ZONES } from "./fixtures.js";

describe("a 5,000-instance group", () => {
  it("answers 100 DescribeTargetHealth calls over five target groups while the fleet changes", async () => {
    const clock = new VirtualClock();
    const cloud = new LocalCloud({ clock });
    const launchTemplateId = cloud.createLaunchTemplate({ name: "fleet", imageId: AMI_V1 });
    const arns = [1, 2, 3, 4, 5].map((n) => cloud.createTargetGroup({ name: `fleet-${n}` }));
    cloud.createGroup({
      name: "fleet",
      minSize: 0,
      maxSize: 5000,
      desiredCapacity: 5000,
      availabilityZones: ZONES,
      targetGroupArns: arns,
      launchTemplateId,
      targetGroupMembership: "spread",
      tags: [{ key: "gantry:release", value: "r1", propagateAtLaunch: true }],
    });
    const { autoScaling, elb } = clientsFor(cloud);
    const described = await autoScaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ["fleet"] }));
    const first20 = (described.AutoScalingGroups?.[0]?.Instances ?? []).slice(0, 20).map((i) => i.InstanceId!);

    await autoScaling.send(new EnterStandbyCommand({ AutoScalingGroupName: "fleet", InstanceIds: first20, ShouldDecrementDesiredCapacity: true }));
    await autoScaling.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: "fleet", DesiredCapacity: 5000 }));
    const healthyCounts: number[] = [];
    for (let round = 0; round < 20; round++) {
      clock.advance(seconds(15));
      let healthy = 0;
      for (const arn of arns) {
        const out = await elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: arn }));
        healthy += (out.TargetHealthDescriptions ?? []).filter((d) => d.TargetHealth?.State === "healthy").length;
      }
      healthyCounts.push(healthy);
    }

    expect(cloud.calls.byCommand["DescribeTargetHealth"]).toBe(100);
    expect(healthyCounts[0]).toBe(4980);
    expect(healthyCounts.at(-1)).toBe(5000);
    expect(cloud.servingCount("fleet")).toBe(5000);
  });
});
