import { DescribeScalingActivitiesCommand, SetDesiredCapacityCommand } from "@aws-sdk/client-auto-scaling";
import { GetConsoleOutputCommand } from "@aws-sdk/client-ec2";
import { DescribeTargetHealthCommand } from "@aws-sdk/client-elastic-load-balancing-v2";
import { describe, expect, it } from "vitest";
import { LAUNCH_FAILED_MESSAGE } from "../../../local/cloud/index.js";
import { GROUP, helloFleet, seconds } from "./fixtures.js";

const decode = (output: string | undefined) =>
  Buffer.from(output ?? "", "base64")
    .toString("utf8")
    .split("\r\n")
    .filter(Boolean);

describe("GetConsoleOutput", () => {
  it("answers a virtual instance's synthetic boot lines, base64-encoded, and what its app does", async () => {
    const { cloud, ec2, clock } = helloFleet();
    const [first = ""] = cloud.snapshot(GROUP).instances.map((instance) => instance.instanceId);

    const serving = await ec2.send(new GetConsoleOutputCommand({ InstanceId: first, Latest: true }));
    cloud.killApp(first);
    clock.advance(seconds(1));
    const killed = await ec2.send(new GetConsoleOutputCommand({ InstanceId: first, Latest: true }));

    expect(serving).toMatchObject({ InstanceId: first, Timestamp: expect.any(Date) });
    expect(decode(serving.Output)[0]).toMatch(/^\[ {4}0\.000000\] Linux version/);
    expect(decode(serving.Output).at(-1)).toBe(`[    6.920004] hello-app[802]: r1 on ${first}: listening on 8080`);
    expect(decode(killed.Output).at(-1)).toMatch(/app is not listening \(connection refused\)$/);
  });

  it("answers no Output for an instance that has only just launched, and InvalidInstanceID.NotFound for an unknown one", async () => {
    const { cloud, ec2, autoScaling } = helloFleet();
    await autoScaling.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: GROUP, DesiredCapacity: 7 }));
    const launched = cloud.snapshot(GROUP).instances.at(-1)?.instanceId ?? "";

    const early = await ec2.send(new GetConsoleOutputCommand({ InstanceId: launched }));

    expect(decode(early.Output)).toHaveLength(1);
    await expect(ec2.send(new GetConsoleOutputCommand({ InstanceId: "i-0000000000000dead" }))).rejects.toMatchObject({ name: "InvalidInstanceID.NotFound" });
  });
});

describe("a killed app's target health", () => {
  it("reads unhealthy with Target.FailedHealthChecks, as ELB reports a target it cannot connect to", async () => {
    const { cloud, elb, clock, targetGroupArn } = helloFleet();
    const [first = ""] = cloud.snapshot(GROUP).instances.map((instance) => instance.instanceId);
    cloud.killApp(first);
    clock.advance(seconds(30));

    const out = await elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: targetGroupArn }));

    const row = out.TargetHealthDescriptions?.find((description) => description.Target?.Id === first);
    expect(row?.TargetHealth).toEqual({ State: "unhealthy", Reason: "Target.FailedHealthChecks", Description: "Health checks failed" });
  });

  it("still reads Target.ResponseCodeMismatch for an app that answers 503", async () => {
    const { cloud, elb, clock, targetGroupArn } = helloFleet();
    const [first = ""] = cloud.snapshot(GROUP).instances.map((instance) => instance.instanceId);
    cloud.setInstanceHealth(first, false);
    clock.advance(seconds(30));

    const out = await elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: targetGroupArn }));

    expect(out.TargetHealthDescriptions?.find((description) => description.Target?.Id === first)?.TargetHealth?.Reason).toBe("Target.ResponseCodeMismatch");
  });
});

describe("DescribeScalingActivities", () => {
  it("lists the group's activities newest first, a failed launch with Auto Scaling's StatusMessage, in pages", async () => {
    const { cloud, autoScaling, clock } = helloFleet();
    cloud.failLaunches(GROUP, 1);
    await autoScaling.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: GROUP, DesiredCapacity: 7 }));
    clock.advance(seconds(61));

    const all = await autoScaling.send(new DescribeScalingActivitiesCommand({ AutoScalingGroupName: GROUP }));
    const first = await autoScaling.send(new DescribeScalingActivitiesCommand({ AutoScalingGroupName: GROUP, MaxRecords: 1 }));
    const second = await autoScaling.send(new DescribeScalingActivitiesCommand({ AutoScalingGroupName: GROUP, MaxRecords: 1, NextToken: first.NextToken }));

    expect(all.Activities?.map((activity) => activity.StatusCode)).toEqual(["Successful", "Failed", "Successful"]);
    expect(all.Activities?.[1]).toMatchObject({
      AutoScalingGroupName: GROUP,
      StatusCode: "Failed",
      StatusMessage: LAUNCH_FAILED_MESSAGE,
      Progress: 100,
      StartTime: expect.any(Date),
      Cause: expect.stringMatching(/^At 2026-01-05T09:01:00Z the instance failed to enter service\.$/),
    });
    expect([first.Activities?.[0]?.ActivityId, second.Activities?.[0]?.ActivityId]).toEqual([all.Activities?.[0]?.ActivityId, all.Activities?.[1]?.ActivityId]);
  });

  it("rejects MaxRecords outside 1–100 and an unknown group", async () => {
    const { autoScaling } = helloFleet();

    await expect(autoScaling.send(new DescribeScalingActivitiesCommand({ AutoScalingGroupName: GROUP, MaxRecords: 0 }))).rejects.toThrow(/maxRecords/);
    await expect(autoScaling.send(new DescribeScalingActivitiesCommand({ AutoScalingGroupName: "nope" }))).rejects.toThrow(/not found/);
  });
});
