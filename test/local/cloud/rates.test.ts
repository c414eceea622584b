import { DescribeAutoScalingGroupsCommand, SetDesiredCapacityCommand } from "@aws-sdk/client-auto-scaling";
import { DescribeInstancesCommand } from "@aws-sdk/client-ec2";
import { describe, expect, it } from "vitest";
import { VirtualClock } from "../../../local/clock.js";
import { EC2_RATES, LocalCloud, type ApiRates } from "../../../local/cloud/index.js";
import { TokenBucket } from "../../../local/cloud/rates.js";
import { AMI_V1, clientsFor, GROUP, seconds, ZONES } from "./fixtures.js";

function ratedFleet(rates: ApiRates, desired = 2) {
  const clock = new VirtualClock();
  const cloud = new LocalCloud({ clock, apiRates: rates });
  const launchTemplateId = cloud.createLaunchTemplate({ name: "hello", imageId: AMI_V1 });
  const targetGroupArn = cloud.createTargetGroup({ name: "hello-prod-web" });
  cloud.createGroup({
    name: GROUP,
    minSize: 1,
    maxSize: 50,
    desiredCapacity: desired,
    availabilityZones: ZONES,
    targetGroupArns: [targetGroupArn],
    launchTemplateId,
  });
  return { clock, cloud, ...clientsFor(cloud) };
}

describe("TokenBucket", () => {
  it("gives its capacity at once, then refills at its rate", () => {
    const bucket = new TokenBucket(2, 1, 0);

    expect([bucket.tryTake(0), bucket.tryTake(0), bucket.tryTake(0)]).toEqual([true, true, false]);
    expect(bucket.tryTake(999)).toBe(false);
    expect(bucket.tryTake(1000)).toBe(true);
  });

  it("queues reservations behind each other once empty", () => {
    const bucket = new TokenBucket(1, 5, 0);

    expect([bucket.reserve(0), bucket.reserve(0), bucket.reserve(0)]).toEqual([0, 200, 400]);
  });
});

describe("API rates", () => {
  it("answers as before when no rates are asked for: no waiting, no refusals", async () => {
    const clock = new VirtualClock();
    const cloud = new LocalCloud({ clock });
    const { ec2 } = clientsFor(cloud);
    const start = clock.now();

    for (let i = 0; i < 500; i++) await ec2.send(new DescribeInstancesCommand({}));

    expect(clock.now()).toBe(start);
    expect(cloud.throttling).toEqual({ calls: 0, waitedSeconds: 0 });
  });

  it("makes reads past EC2's bucket of 100 wait for refills at 20 per second, on the cloud's clock", async () => {
    const { clock, cloud, ec2 } = ratedFleet(EC2_RATES);
    const start = clock.now();

    for (let i = 0; i < 140; i++) await ec2.send(new DescribeInstancesCommand({}));

    expect(clock.now() - start).toBe(seconds(2));
    expect(cloud.throttling.calls).toBe(40);
    expect(cloud.calls.byCommand.DescribeInstances).toBe(140);
  });

  it("refuses calls with RequestLimitExceeded (EC2) and Throttling (Auto Scaling) when asked to throttle", async () => {
    const rates: ApiRates = { ...EC2_RATES, reads: { capacity: 1, perSecond: 1 }, whenEmpty: "throttle" };
    const { clock, ec2, autoScaling } = ratedFleet(rates);
    await ec2.send(new DescribeInstancesCommand({}));
    await autoScaling.send(new DescribeAutoScalingGroupsCommand({}));

    await expect(ec2.send(new DescribeInstancesCommand({}))).rejects.toMatchObject({ name: "RequestLimitExceeded", $metadata: { httpStatusCode: 400 } });
    await expect(autoScaling.send(new DescribeAutoScalingGroupsCommand({}))).rejects.toMatchObject({ name: "Throttling", message: "Rate exceeded" });
    await clock.sleep(seconds(1));
    await expect(ec2.send(new DescribeInstancesCommand({}))).resolves.toBeDefined();
  });

  it("launches no more than the launch bucket holds, then 2 per second", async () => {
    const rates: ApiRates = { ...EC2_RATES, launches: { capacity: 10, perSecond: 2 } };
    const { clock, cloud, autoScaling } = ratedFleet(rates);

    await autoScaling.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: GROUP, DesiredCapacity: 22 }));
    const launchedAtOnce = cloud.snapshot(GROUP).instances.length;
    await clock.sleep(seconds(5));
    const afterFiveSeconds = cloud.snapshot(GROUP).instances.length;

    expect(launchedAtOnce).toBe(2 + 10);
    expect(afterFiveSeconds).toBe(22);
  });
});
