import { EnterStandbyCommand } from "@aws-sdk/client-auto-scaling";
import { describe, expect, it } from "vitest";
import { GROUP, helloFleet, seconds } from "../cloud/fixtures.js";

describe("LocalCloud.routableTargets", () => {
  it("lists the target group's healthy targets, leaving out draining and unhealthy ones", async () => {
    const fleet = helloFleet();
    const [standby, sick, ...rest] = fleet.cloud.snapshot(GROUP).instances.map((i) => i.instanceId) as [string, string, ...string[]];
    fleet.cloud.setInstanceHealth(sick, false);

    await fleet.autoScaling.send(new EnterStandbyCommand({ AutoScalingGroupName: GROUP, InstanceIds: [standby], ShouldDecrementDesiredCapacity: true }));
    fleet.clock.advance(seconds(20));

    expect(fleet.cloud.routableTargets(fleet.targetGroupArn)).toEqual(rest);
  });

  it("rejects a target group it does not know", () => {
    const fleet = helloFleet();

    expect(() => fleet.cloud.routableTargets("arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/nope/1")).toThrow(/No target group .*nope\/1/);
  });
});
