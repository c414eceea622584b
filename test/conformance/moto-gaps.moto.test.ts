import {
  CreateAutoScalingGroupCommand,
  DescribeAutoScalingGroupsCommand,
  DescribeScalingActivitiesCommand,
  EnterStandbyCommand,
  ExitStandbyCommand,
  SetDesiredCapacityCommand,
} from "@aws-sdk/client-auto-scaling";
import { DescribeAlarmHistoryCommand, PutMetricAlarmCommand, SetAlarmStateCommand } from "@aws-sdk/client-cloudwatch";
import { CreateLaunchTemplateCommand } from "@aws-sdk/client-ec2";
import { CreateTargetGroupCommand, DescribeTargetHealthCommand } from "@aws-sdk/client-elastic-load-balancing-v2";
import { beforeAll, describe, expect, it } from "vitest";
import { ZONES, motoNetwork, setup } from "./moto-backend.js";

/**
 * Where moto answers what AWS refuses, or skips what AWS does: the rows of "Where moto differs"
 * in local/cloud/SPEC.md, each checked against the moto in use. The local cloud follows AWS in
 * every row (its own tests say so). When a moto release closes a gap, its check here fails:
 * then the row and the scenario comments that lean on it go.
 */
const GROUP = "motogaps";
let targetGroupArn = "";

async function group() {
  const answer = await setup.autoScaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [GROUP] }));
  const found = answer.AutoScalingGroups?.[0];
  if (!found) throw new Error(`${GROUP} is gone`);
  return found;
}

const inService = async () =>
  (await group()).Instances?.filter((instance) => instance.LifecycleState === "InService").map((instance) => instance.InstanceId ?? "") ?? [];

beforeAll(async () => {
  const { vpcId, subnetIds } = await motoNetwork();
  const template = await setup.ec2.send(
    new CreateLaunchTemplateCommand({ LaunchTemplateName: GROUP, LaunchTemplateData: { ImageId: "ami-0a1b2c3d4e5f60001" } }),
  );
  const targetGroup = await setup.elb.send(new CreateTargetGroupCommand({ Name: GROUP, Protocol: "HTTP", Port: 80, VpcId: vpcId }));
  targetGroupArn = targetGroup.TargetGroups?.[0]?.TargetGroupArn ?? "";
  await setup.autoScaling.send(
    new CreateAutoScalingGroupCommand({
      AutoScalingGroupName: GROUP,
      LaunchTemplate: { LaunchTemplateId: template.LaunchTemplate?.LaunchTemplateId, Version: "1" },
      MinSize: 2,
      MaxSize: 3,
      DesiredCapacity: 2,
      VPCZoneIdentifier: subnetIds.join(","),
      TargetGroupARNs: [targetGroupArn],
    }),
  );
});

describe("moto's known gaps (each a row of local/cloud/SPEC.md, 'Where moto differs')", () => {
  it("puts every instance in the first subnet's zone; AWS balances across the group's zones", async () => {
    const zones = (await group()).Instances?.map((instance) => instance.AvailabilityZone);

    expect(zones).toEqual([ZONES[0], ZONES[0]]);
  });

  it("accepts SetDesiredCapacity above MaxSize; AWS answers ValidationError", async () => {
    await setup.autoScaling.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: GROUP, DesiredCapacity: 5 }));
    const desired = (await group()).DesiredCapacity;
    await setup.autoScaling.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: GROUP, DesiredCapacity: 2 }));

    expect(desired).toBe(5);
  });

  it("accepts EnterStandby that takes desired below MinSize, sets Standby at once and leaves the instance healthy in its target group", async () => {
    const [parked = ""] = await inService();

    await setup.autoScaling.send(new EnterStandbyCommand({ AutoScalingGroupName: GROUP, InstanceIds: [parked], ShouldDecrementDesiredCapacity: true }));

    const after = await group();
    expect(after.DesiredCapacity).toBe(1);
    expect(after.Instances?.find((instance) => instance.InstanceId === parked)?.LifecycleState).toBe("Standby");
    const health = await setup.elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: targetGroupArn }));
    expect(health.TargetHealthDescriptions?.find((row) => row.Target?.Id === parked)?.TargetHealth?.State).toBe("healthy");
  });

  it("accepts ExitStandby that takes desired past MaxSize; AWS refuses it", async () => {
    await setup.autoScaling.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: GROUP, DesiredCapacity: 3 }));
    const parked = (await group()).Instances?.find((instance) => instance.LifecycleState === "Standby")?.InstanceId ?? "";

    await setup.autoScaling.send(new ExitStandbyCommand({ AutoScalingGroupName: GROUP, InstanceIds: [parked] }));

    expect((await group()).DesiredCapacity).toBe(4);
  });

  it("has no DescribeAlarmHistory (an HTTP 500, not AWS's AlarmHistoryItems), though it keeps alarm state changes", async () => {
    const alarm = `${GROUP}-history`;
    await setup.cloudWatch.send(
      new PutMetricAlarmCommand({
        AlarmName: alarm,
        MetricName: "HTTPCode_Target_5XX_Count",
        Namespace: "AWS/ApplicationELB",
        Statistic: "Sum",
        Period: 60,
        EvaluationPeriods: 1,
        Threshold: 5,
        ComparisonOperator: "GreaterThanThreshold",
      }),
    );
    await setup.cloudWatch.send(new SetAlarmStateCommand({ AlarmName: alarm, StateValue: "ALARM", StateReason: "moto gap check" }));

    const answer = setup.cloudWatch.send(new DescribeAlarmHistoryCommand({ AlarmName: alarm, HistoryItemType: "StateUpdate" }));

    await expect(answer).rejects.toMatchObject({ $metadata: { httpStatusCode: 500 } });
  });

  it("answers DescribeScalingActivities with no activities, even after the group launched instances", async () => {
    const answer = await setup.autoScaling.send(new DescribeScalingActivitiesCommand({ AutoScalingGroupName: GROUP }));

    expect((await group()).Instances?.length).toBeGreaterThan(0);
    expect(answer.Activities).toEqual([]);
  });
});
