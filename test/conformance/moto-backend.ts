import { AutoScalingClient, CreateAutoScalingGroupCommand } from "@aws-sdk/client-auto-scaling";
import { CloudWatchClient, PutMetricAlarmCommand, SetAlarmStateCommand } from "@aws-sdk/client-cloudwatch";
import { CreateTableCommand, DynamoDBClient, ResourceInUseException } from "@aws-sdk/client-dynamodb";
import {
  CreateLaunchTemplateCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DescribeInstancesCommand,
  EC2Client,
  StopInstancesCommand,
} from "@aws-sdk/client-ec2";
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateTargetGroupCommand,
  ElasticLoadBalancingV2Client,
  ModifyTargetGroupAttributesCommand,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import type { SendCommandCommandInput } from "@aws-sdk/client-ssm";
import { gantryTableName } from "../../functions/aws/dynamo-client.js";
import { provideRuntime, runtimeFromEnvironment } from "../../functions/aws/runtime.js";
import { SystemClock, type Clock } from "../../local/clock.js";
import { gantryTableInput } from "../../local/dynamo/index.js";
import { runExecution } from "../../local/runner.js";
import { loadDeployDefinition } from "../../local/scenario.js";
import type { Backend, Breakage, Fleet, FleetSpec } from "./backend.js";
import { readClients, readFinalState, readSentCommands } from "./read-back.js";

export const REGION = process.env.AWS_REGION ?? "eu-west-1";
export const ZONES = [`${REGION}a`, `${REGION}b`];

/** Setup clients of the test's own; gantry's handlers keep theirs, which reach moto through AWS_ENDPOINT_URL alone. */
export const setup = {
  ec2: new EC2Client({ region: REGION }),
  autoScaling: new AutoScalingClient({ region: REGION }),
  elb: new ElasticLoadBalancingV2Client({ region: REGION }),
  cloudWatch: new CloudWatchClient({ region: REGION }),
  dynamoDb: new DynamoDBClient({ region: REGION }),
};

/**
 * Fast settings for a real clock: every Wait and poll short, so a scenario takes seconds. moto
 * launches instances running and registers them healthy at once, so short deadlines only fail
 * a release that is broken on purpose.
 */
const MOTO_STRATEGY: Fleet["strategy"] = {
  batches: [1],
  bakeSeconds: 1,
  pollSeconds: 1,
  launchTimeoutSeconds: 5,
  healthTimeoutSeconds: 5,
};

interface Network {
  vpcId: string;
  subnetIds: string[];
}

let network: Promise<Network> | undefined;

/** One VPC with a subnet in each of two zones, and gantry's table, once per moto server; moto's request recorder on. */
export function motoNetwork(): Promise<Network> {
  network ??= (async () => {
    await motoApi("recorder/start-recording", { method: "POST" });
    const vpc = await setup.ec2.send(new CreateVpcCommand({ CidrBlock: "10.20.0.0/16" }));
    const vpcId = vpc.Vpc?.VpcId ?? "";
    const subnetIds: string[] = [];
    for (const [index, zone] of ZONES.entries()) {
      const subnet = await setup.ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: `10.20.${index}.0/24`, AvailabilityZone: zone }));
      subnetIds.push(subnet.Subnet?.SubnetId ?? "");
    }
    try {
      await setup.dynamoDb.send(new CreateTableCommand(gantryTableInput(gantryTableName())));
    } catch (error) {
      if (!(error instanceof ResourceInUseException)) throw error;
    }
    return { vpcId, subnetIds };
  })();
  return network;
}

/**
 * A clock `aheadMs` in the future: moto's LaunchTime is the real launch time and cannot be set,
 * and a cycle's maxAge is at least an hour, so a cycle run sees the fleet an hour older by
 * running its clock (almost) an hour ahead. Only a cycle's success path can run so: anything
 * that compares LaunchTime with the run's own start (a rollback telling its launches apart)
 * would see an hour of clock skew between the steps and EC2.
 */
function clockAhead(aheadMs: number): Clock {
  const system = new SystemClock();
  return { now: () => system.now() + aheadMs, sleep: (ms) => system.sleep(ms) };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let runs = 0;

export const motoBackend: Backend = {
  name: "moto",

  async createFleet(spec: FleetSpec): Promise<Fleet> {
    const { vpcId, subnetIds } = await motoNetwork();
    const app = spec.app;
    const env = "prod";
    const name = `${app}-${env}`;
    const release = spec.release ?? "v1";
    const images = { v1: "ami-0a1b2c3d4e5f60001", next: "ami-0a1b2c3d4e5f60002" };
    const template = await setup.ec2.send(
      new CreateLaunchTemplateCommand({ LaunchTemplateName: name, LaunchTemplateData: { ImageId: images.v1, InstanceType: "t3.micro" } }),
    );
    const launchTemplateId = template.LaunchTemplate?.LaunchTemplateId ?? "";
    const targetGroup = await setup.elb.send(
      new CreateTargetGroupCommand({ Name: name, Protocol: "HTTP", Port: 80, VpcId: vpcId, TargetType: "instance", HealthCheckPath: "/health" }),
    );
    const targetGroupArn = targetGroup.TargetGroups?.[0]?.TargetGroupArn ?? "";
    // gantry waits out the deregistration delay after each retirement: 300 s by default.
    await setup.elb.send(
      new ModifyTargetGroupAttributesCommand({ TargetGroupArn: targetGroupArn, Attributes: [{ Key: "deregistration_delay.timeout_seconds", Value: "1" }] }),
    );
    const balancer = await setup.elb.send(new CreateLoadBalancerCommand({ Name: name, Subnets: subnetIds, Type: "application", Scheme: "internal" }));
    await setup.elb.send(
      new CreateListenerCommand({
        LoadBalancerArn: balancer.LoadBalancers?.[0]?.LoadBalancerArn,
        Protocol: "HTTP",
        Port: 80,
        DefaultActions: [{ Type: "forward", TargetGroupArn: targetGroupArn }],
      }),
    );
    await setup.autoScaling.send(
      new CreateAutoScalingGroupCommand({
        AutoScalingGroupName: name,
        LaunchTemplate: { LaunchTemplateId: launchTemplateId, Version: "1" },
        MinSize: 1,
        MaxSize: spec.instances + 2,
        DesiredCapacity: spec.instances,
        VPCZoneIdentifier: subnetIds.join(","),
        TargetGroupARNs: [targetGroupArn],
        HealthCheckType: "ELB",
        Tags: [{ Key: "gantry:release", Value: release, PropagateAtLaunch: true, ResourceId: name, ResourceType: "auto-scaling-group" }],
      }),
    );
    const alarmName = `${name}-5xx`;
    await setup.cloudWatch.send(
      new PutMetricAlarmCommand({
        AlarmName: alarmName,
        Namespace: "AWS/ApplicationELB",
        MetricName: "HTTPCode_Target_5XX_Count",
        Statistic: "Sum",
        Period: 60,
        EvaluationPeriods: 1,
        Threshold: 10,
        ComparisonOperator: "GreaterThanThreshold",
      }),
    );
    await setup.cloudWatch.send(new SetAlarmStateCommand({ AlarmName: alarmName, StateValue: "OK", StateReason: "conformance setup" }));
    let clock: Clock = new SystemClock();
    if (spec.cycleMaxAgeSeconds !== undefined) {
      // LaunchTime is whole seconds: 3 s after the launches, a cutoff 1.5 s before the run's
      // start lies after every starting instance and before anything the run launches.
      await sleep(3_000);
      clock = clockAhead(spec.cycleMaxAgeSeconds * 1000 - 1_500);
    }
    return {
      app,
      env,
      groupName: name,
      targetGroupArns: [targetGroupArn],
      launchTemplateId,
      alarmName,
      images,
      clock,
      strategy: MOTO_STRATEGY,
      deployInput: (id, overrides = {}) => ({
        app,
        env,
        release: { id },
        group: { autoScalingGroupName: name, targetGroupArns: [targetGroupArn] },
        strategy: MOTO_STRATEGY,
        trigger: { source: "conformance" },
        ...overrides,
      }),
    };
  },

  finalState: (fleet) => readFinalState(clients, fleet),

  /**
   * moto's ListCommands lists every EC2 instance in the region as each command's InstanceIds
   * (`Command.__init__` adds all instances an empty Targets filter matches, ssm/models.py), so
   * the instances a command went to are read from the SendCommand requests moto received, in its
   * request recorder; the rest is ListCommands' answer, checked against the same requests.
   */
  async sentCommands(fleet) {
    const listed = await readSentCommands(clients, fleet);
    const requested = (await recordedSendCommands()).filter((request) => request.Comment?.startsWith(`gantry: ${fleet.app}/${fleet.env} to `));
    const mismatch = listed.length !== requested.length || listed.some((command, i) => command.comment !== requested[i]?.Comment);
    if (mismatch) throw new Error(`ListCommands lists ${listed.length} command(s) of ${fleet.app}, moto received ${requested.length} SendCommand request(s)`);
    return listed.map((command, i) => ({ ...command, instanceIds: [...(requested[i]?.InstanceIds ?? [])].sort() }));
  },

  /**
   * moto reports every registered running instance `healthy` and a stopped one `unused`
   * (moto/elbv2/models.py `health_for`), so a release that never gets healthy is one whose
   * instances are stopped as soon as they appear.
   */
  breakRelease(fleet, release): Breakage {
    let busy = false;
    const timer = setInterval(() => {
      if (busy) return;
      busy = true;
      void stopInstancesOf(fleet.groupName, release).finally(() => {
        busy = false;
      });
    }, 200);
    return { end: () => clearInterval(timer) };
  },

  async setAlarm(fleet, state) {
    await setup.cloudWatch.send(new SetAlarmStateCommand({ AlarmName: fleet.alarmName, StateValue: state, StateReason: `conformance: ${state}` }));
  },

  runDeploy(fleet, input, options = {}) {
    // The handlers' runtime as a Lambda builds it (moto through AWS_ENDPOINT_URL), on this run's clock.
    provideRuntime(runtimeFromEnvironment(process.env, { now: () => fleet.clock.now() }));
    return runExecution({
      definition: loadDeployDefinition(),
      input,
      name: `${fleet.app}-${(++runs).toString(36)}-${Date.now().toString(36)}`,
      clock: fleet.clock,
      onEvent: (event) => {
        if (event.kind === "exited") options.onExited?.(event.step.state);
      },
    });
  },
};

const clients = readClients();

/** moto's own API beside the AWS ones (`/moto-api/...`), on the endpoint the run gave. */
async function motoApi(path: string, init: RequestInit = {}): Promise<string> {
  const endpoint = process.env.AWS_ENDPOINT_URL;
  if (!endpoint) throw new Error("AWS_ENDPOINT_URL is not set: run the moto side with npm run test:aws-emulator");
  const answer = await fetch(`${endpoint}/moto-api/${path}`, init);
  if (!answer.ok) throw new Error(`moto-api/${path} answered ${answer.status}`);
  return answer.text();
}

interface RecordedRequest {
  headers: Record<string, string>;
  body: string | null;
  body_encoded: boolean;
}

/** The SendCommand requests moto received since its recorder started, in the order received. */
async function recordedSendCommands(): Promise<SendCommandCommandInput[]> {
  const lines = (await motoApi("recorder/download-recording")).split("\n").filter((line) => line.length > 0);
  return lines.flatMap((line) => {
    const request = JSON.parse(line) as RecordedRequest;
    const target = Object.entries(request.headers).find(([name]) => name.toLowerCase() === "x-amz-target")?.[1];
    if (target !== "AmazonSSM.SendCommand" || !request.body) return [];
    const body = request.body_encoded ? Buffer.from(request.body, "base64").toString("utf8") : request.body;
    return [JSON.parse(body) as SendCommandCommandInput];
  });
}

async function stopInstancesOf(group: string, release: string): Promise<void> {
  const answer = await setup.ec2.send(
    new DescribeInstancesCommand({
      Filters: [
        { Name: "tag:aws:autoscaling:groupName", Values: [group] },
        { Name: "tag:gantry:release", Values: [release] },
        { Name: "instance-state-name", Values: ["pending", "running"] },
      ],
    }),
  );
  const ids = answer.Reservations?.flatMap((reservation) => reservation.Instances ?? []).map((instance) => instance.InstanceId ?? "") ?? [];
  if (ids.length > 0) await setup.ec2.send(new StopInstancesCommand({ InstanceIds: ids }));
}
