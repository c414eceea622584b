import { CreateAutoScalingGroupCommand, DescribeAutoScalingGroupsCommand } from "@aws-sdk/client-auto-scaling";
import { CreateLaunchTemplateCommand, DescribeInstancesCommand, RunInstancesCommand } from "@aws-sdk/client-ec2";
import { ChangeResourceRecordSetsCommand, CreateHostedZoneCommand, ListResourceRecordSetsCommand, Route53Client } from "@aws-sdk/client-route-53";
import { describe, expect, it } from "vitest";
import { readLock } from "../../functions/aws/lock/deploy-lock.js";
import { provideRuntime, runtimeFromEnvironment } from "../../functions/aws/runtime.js";
import { parseConfig, type GantryConfig } from "../../functions/core/config/config.js";
import type { PowerProgress } from "../../functions/core/power/power-progress.js";
import type { Clock } from "../../local/clock.js";
import { powerHandlers } from "../../local/handlers.js";
import { loadPowerDefinition } from "../../local/power-scenario.js";
import { runExecution } from "../../local/runner.js";
import { REGION, motoNetwork, setup } from "./moto-backend.js";

const route53 = new Route53Client({ region: "us-east-1" });
const SCHEDULE = "conf-hours";
const TAG = `gantry:schedule=${SCHEDULE}`;
const GROUP = "hellopow-dev";
const STOP = "2026-03-24T18:00:00+02:00";
const START = "2026-03-25T08:00:00+02:00";

/**
 * Real time, but a Wait longer than a second passes in one: the power definition polls every
 * 15 s, and moto starts, stops and syncs DNS at once. `now` moves on by what was skipped, so
 * every deadline the steps compute still holds.
 */
function fastForwardClock(): Clock {
  let skipped = 0;
  return {
    now: () => Date.now() + skipped,
    sleep: async (ms) => {
      const real = Math.min(ms, 1_000);
      await new Promise((resolve) => setTimeout(resolve, real));
      skipped += ms - real;
    },
  };
}

/**
 * A hosted zone whose id starts with `Z`, as AWS's do and gantry's config requires. moto draws
 * 22 random capitals and digits (moto/route53/models.py `create_route53_zone_id`), so it takes
 * a few zones to get one.
 */
async function hostedZone(): Promise<{ id: string; name: string }> {
  for (let attempt = 0; attempt < 500; attempt++) {
    const name = `pow${attempt}.example.com`;
    const zone = await route53.send(new CreateHostedZoneCommand({ Name: name, CallerReference: `conf-${attempt}-${Date.now()}` }));
    const id = (zone.HostedZone?.Id ?? "").replace("/hostedzone/", "");
    if (id.startsWith("Z")) return { id, name };
  }
  throw new Error("moto gave no hosted zone id starting with Z in 500 zones");
}

async function recordValues(zoneId: string, name: string): Promise<string[] | undefined> {
  const answer = await route53.send(new ListResourceRecordSetsCommand({ HostedZoneId: zoneId }));
  const record = answer.ResourceRecordSets?.find((set) => set.Name === `${name}.` && set.Type === "A");
  return record?.ResourceRecords?.map((value) => value.Value ?? "");
}

async function instance(id: string) {
  const answer = await setup.ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }));
  return answer.Reservations?.[0]?.Instances?.[0];
}

async function group() {
  const answer = await setup.autoScaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [GROUP] }));
  return answer.AutoScalingGroups?.[0];
}

function run(action: "start" | "stop", at: string, config: GantryConfig) {
  const clock = fastForwardClock();
  // The power Lambdas' runtime as on AWS, from the environment (moto through AWS_ENDPOINT_URL), with this configuration bundled and the run's clock.
  provideRuntime(runtimeFromEnvironment(process.env, { config, now: () => clock.now() }));
  return runExecution({
    definition: loadPowerDefinition(),
    input: { schedule: SCHEDULE, action, at },
    name: `${SCHEDULE}-${action}-${Date.now().toString(36)}`,
    clock,
    handlers: powerHandlers,
  });
}

describe("power state machine on moto", () => {
  it("stops a jumpbox and a group (DNS record removed, size saved), then starts them (DNS on the new address, size back)", { timeout: 90_000 }, async () => {
    const { subnetIds } = await motoNetwork();
    const zone = await hostedZone();
    const recordName = `jumpbox.${zone.name}`;
    const config = parseConfig({
      apps: {
        hellopow: {
          repository: "octo-org/hellopow",
          environments: {
            dev: {
              branch: "dev",
              region: REGION,
              group: { autoScalingGroupName: GROUP, targetGroupArns: [`arn:aws:elasticloadbalancing:${REGION}:123456789012:targetgroup/hellopow-dev/1`] },
            },
          },
        },
      },
      schedules: {
        [SCHEDULE]: {
          timezone: "Asia/Jerusalem",
          workWeek: "SUN-THU",
          on: "08:00",
          off: "18:00",
          targets: [{ tag: TAG, dns: { hostedZoneId: zone.id, recordName } }, { autoScalingGroup: GROUP }],
        },
      },
    });
    const [key, value] = TAG.split("=") as [string, string];
    const launched = await setup.ec2.send(
      new RunInstancesCommand({
        ImageId: "ami-0a1b2c3d4e5f60001",
        MinCount: 1,
        MaxCount: 1,
        TagSpecifications: [{ ResourceType: "instance", Tags: [{ Key: key, Value: value }] }],
      }),
    );
    const jumpbox = launched.Instances?.[0]?.InstanceId ?? "";
    const firstAddress = (await instance(jumpbox))?.PublicIpAddress ?? "";
    await route53.send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: zone.id,
        ChangeBatch: {
          Changes: [{ Action: "UPSERT", ResourceRecordSet: { Name: recordName, Type: "A", TTL: 60, ResourceRecords: [{ Value: firstAddress }] } }],
        },
      }),
    );
    const template = await setup.ec2.send(
      new CreateLaunchTemplateCommand({ LaunchTemplateName: GROUP, LaunchTemplateData: { ImageId: "ami-0a1b2c3d4e5f60001" } }),
    );
    await setup.autoScaling.send(
      new CreateAutoScalingGroupCommand({
        AutoScalingGroupName: GROUP,
        LaunchTemplate: { LaunchTemplateId: template.LaunchTemplate?.LaunchTemplateId, Version: "1" },
        MinSize: 1,
        MaxSize: 4,
        DesiredCapacity: 2,
        VPCZoneIdentifier: subnetIds.join(","),
      }),
    );

    const stop = await run("stop", STOP, config);

    expect(stop.status).toBe("SUCCEEDED");
    expect((await instance(jumpbox))?.State?.Name).toBe("stopped");
    expect(await recordValues(zone.id, recordName)).toBeUndefined();
    const stopped = await group();
    expect([stopped?.MinSize, stopped?.DesiredCapacity, stopped?.MaxSize, stopped?.Instances?.length]).toEqual([0, 0, 0, 0]);
    expect(stopped?.Tags?.find((tag) => tag.Key === "gantry:power-saved-size")?.Value).toBe("min=1 desired=2 max=4");

    const start = await run("start", START, config);

    expect(start.status).toBe("SUCCEEDED");
    expect((start.output as PowerProgress).targets.map((target) => target.status)).toEqual(["done", "done"]);
    const running = await instance(jumpbox);
    expect(running?.State?.Name).toBe("running");
    expect(await recordValues(zone.id, recordName)).toEqual([running?.PublicIpAddress]);
    const started = await group();
    expect([started?.MinSize, started?.DesiredCapacity, started?.MaxSize]).toEqual([1, 2, 4]);
    expect(started?.Instances?.filter((member) => member.LifecycleState === "InService")).toHaveLength(2);
    expect(started?.Tags?.find((tag) => tag.Key === "gantry:power-saved-size")).toBeUndefined();
    expect((await readLock("hellopow", "dev"))?.holder).toBeUndefined();
  });
});
