import { App } from "aws-cdk-lib";
import { Match, Template } from "aws-cdk-lib/assertions";
import { AwsSolutionsChecks } from "cdk-nag";
import { describe, expect, it } from "vitest";
import { FLEET_OUTPUTS } from "../../functions/core/config/fleet-outputs.js";
import { RELEASE_TAG } from "../../functions/core/fleet.js";
import type { GantryFleetProps } from "../../infra/constructs/gantry-fleet.js";
import { exampleFleetFromContext } from "../../infra/fleet-context.js";
import { FleetStack, type FleetStackProps } from "../../infra/stacks/fleet-stack.js";
import { policyStatements } from "./synth.js";

function synthFleet(fleet: FleetStackProps["fleet"]) {
  const app = new App();
  const stack = new FleetStack(app, "hello-prod-fleet", { fleet, env: { region: "eu-west-1" } });
  const template = Template.fromStack(stack);
  return { stack, template, nag: new AwsSolutionsChecks().validateScope(app) };
}

const { template, nag } = synthFleet({ app: "hello", env: "prod", packages: ["nodejs"] });
const resources = template.toJSON().Resources as Record<string, { Type: string; Properties: Record<string, unknown> }>;
const ofType = (type: string) => Object.values(resources).filter((resource) => resource.Type === type);

/** The user data as the instance receives it, with each CloudFormation reference shown as `{Ref}`. */
function userDataText(): string {
  const [launchTemplate] = ofType("AWS::EC2::LaunchTemplate");
  const data = (launchTemplate?.Properties.LaunchTemplateData as { UserData: { "Fn::Base64": { "Fn::Join": [string, unknown[]] } } }).UserData;
  const [separator, parts] = data["Fn::Base64"]["Fn::Join"];
  return parts.map((part) => (typeof part === "string" ? part : `{${JSON.stringify(part)}}`)).join(separator);
}

describe("GantryFleet", () => {
  it("health-checks for fast deploys: every 5 s, healthy after 2 passes, draining 30 s", () => {
    template.hasResourceProperties("AWS::ElasticLoadBalancingV2::TargetGroup", {
      Port: 8080,
      Protocol: "HTTP",
      TargetType: "instance",
      HealthCheckPath: "/health",
      HealthCheckIntervalSeconds: 5,
      HealthCheckTimeoutSeconds: 4,
      HealthyThresholdCount: 2,
      UnhealthyThresholdCount: 2,
      Matcher: { HttpCode: "200" },
      TargetGroupAttributes: Match.arrayWith([{ Key: "deregistration_delay.timeout_seconds", Value: "30" }]),
    });
    template.hasResourceProperties("AWS::ElasticLoadBalancingV2::Listener", { Port: 80, Protocol: "HTTP" });
  });

  it("takes other health check settings and deregistration delays", () => {
    const custom = synthFleet({
      app: "hello",
      env: "prod",
      healthCheckIntervalSeconds: 10,
      healthyThresholdCount: 3,
      deregistrationDelaySeconds: 0,
      port: 3000,
    });
    custom.template.hasResourceProperties("AWS::ElasticLoadBalancingV2::TargetGroup", {
      Port: 3000,
      HealthCheckIntervalSeconds: 10,
      HealthyThresholdCount: 3,
      TargetGroupAttributes: Match.arrayWith([{ Key: "deregistration_delay.timeout_seconds", Value: "0" }]),
    });
  });

  it("launches from a pinned launch template version with IMDSv2 required and instance tags in the metadata", () => {
    template.hasResourceProperties("AWS::EC2::LaunchTemplate", {
      LaunchTemplateName: "hello-prod",
      LaunchTemplateData: Match.objectLike({ MetadataOptions: { HttpTokens: "required", InstanceMetadataTags: "enabled", HttpPutResponseHopLimit: 1 } }),
      TagSpecifications: Match.arrayWith([{ ResourceType: "launch-template", Tags: Match.arrayWith([{ Key: "gantry:managed", Value: "true" }]) }]),
    });
    const [group] = ofType("AWS::AutoScaling::AutoScalingGroup");
    const version = (group?.Properties.LaunchTemplate as { Version: unknown }).Version;
    expect(version).toEqual({ "Fn::GetAtt": [expect.stringMatching(/^FleetLaunchTemplate/), "LatestVersionNumber"] });
  });

  it("carries the bootstrap as user data, with the bucket, app and env set and logs named <app>-<env>/<instance-id>", () => {
    const text = userDataText();
    expect(text.startsWith("#!/bin/bash\n")).toBe(true);
    expect(text).toContain(`export GANTRY_BUCKET='{{"Ref":"ReleaseBucketName"}}' GANTRY_APP='hello' GANTRY_ENV='prod'`);
    expect(text).toContain("gantry-bootstrap: $*");
    expect(text).toContain("SyslogIdentifier=$log_tag");
    expect(text).toContain('hostnamectl set-hostname --pretty "hello-prod/$instance_id"');
    expect(text).toContain("dnf install -y amazon-cloudwatch-agent nodejs");
    const config = JSON.parse(/<<'AGENT_CONFIG'\n([\s\S]*?)\nAGENT_CONFIG/.exec(text)?.[1] ?? "{}") as {
      logs: { logs_collected: { files: { collect_list: { file_path: string; log_group_name: string; log_stream_name: string }[] } } };
    };
    expect(config.logs.logs_collected.files.collect_list).toEqual([
      { file_path: "/var/log/gantry/bootstrap.log", log_group_name: "/gantry/hello/prod/bootstrap", log_stream_name: "hello-prod/{instance_id}" },
      { file_path: "/var/log/gantry/app.log", log_group_name: "/gantry/hello/prod/app", log_stream_name: "hello-prod/{instance_id}" },
    ]);
    expect(text).toContain("--identifier=hello-prod/$instance_id");
    // EC2 takes at most 16 KB of user data before base64.
    expect(Buffer.byteLength(text)).toBeLessThan(16_384);
  });

  it("puts the instance role under /gantry/ and lets it read only its own app/env's releases and parameters", () => {
    template.hasResourceProperties("AWS::IAM::Role", {
      Path: "/gantry/",
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: "ec2.amazonaws.com" } })] },
    });
    const statements = policyStatements(template)
      .map(({ statement }) => statement)
      .filter((statement) => statement.Sid?.startsWith("ReadOwn") || statement.Sid === "WriteOwnLogStreams");
    const bySid = Object.fromEntries(statements.map((statement) => [statement.Sid, statement]));
    expect(bySid.ReadOwnReleases).toMatchObject({
      Action: "s3:GetObject",
      Resource: { "Fn::Join": ["", ["arn:", { Ref: "AWS::Partition" }, ":s3:::", { Ref: "ReleaseBucketName" }, "/hello/prod/*"]] },
    });
    expect(bySid.ReadOwnParameters).toMatchObject({
      Action: ["ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath"],
      Resource: { "Fn::Join": ["", ["arn:", { Ref: "AWS::Partition" }, ":ssm:eu-west-1:", { Ref: "AWS::AccountId" }, ":parameter/gantry/hello/prod/*"]] },
    });
    expect(asArray(bySid.WriteOwnLogStreams?.Resource)).toHaveLength(2);
    // Only the SSM agent's message actions, which IAM allows on * alone, are granted there.
    const onAnything = policyStatements(template).filter(({ statement }) => asArray(statement.Resource).includes("*"));
    expect(onAnything.map(({ statement }) => statement.Sid)).toEqual(["RunCommandAgent"]);
    expect(asArray(onAnything[0]?.statement.Action).every((action) => /^(ec2messages|ssmmessages):/.test(String(action)))).toBe(true);
  });

  it("grants kms:Decrypt on a customer-managed parameter key only through SSM", () => {
    const key = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    const { template: withKey } = synthFleet({ app: "hello", env: "prod", parameterKeyArn: key });
    const decrypt = policyStatements(withKey).find(({ statement }) => statement.Sid === "DecryptOwnParameters")?.statement;
    expect(decrypt).toMatchObject({ Action: "kms:Decrypt", Resource: key, Condition: { StringEquals: { "kms:ViaService": "ssm.eu-west-1.amazonaws.com" } } });
  });

  it("tags the group gantry:release and gantry:managed, propagated to the instances it launches", () => {
    template.hasResourceProperties("AWS::AutoScaling::AutoScalingGroup", {
      AutoScalingGroupName: "hello-prod",
      MinSize: "2",
      MaxSize: "4",
      HealthCheckType: "ELB",
      Tags: Match.arrayWith([
        { Key: "gantry:managed", Value: "true", PropagateAtLaunch: true },
        { Key: RELEASE_TAG, Value: { Ref: "InitialRelease" }, PropagateAtLaunch: true },
      ]),
    });
  });

  it("spreads the group over two zones' private subnets, behind a load balancer in two public ones", () => {
    const [group] = ofType("AWS::AutoScaling::AutoScalingGroup");
    const subnets = group?.Properties.VPCZoneIdentifier as { Ref: string }[];
    expect(subnets).toHaveLength(2);
    const zones = subnets.map(({ Ref }) => JSON.stringify(resources[Ref]?.Properties.AvailabilityZone));
    expect(new Set(zones).size).toBe(2);
    for (const { Ref } of subnets) expect(resources[Ref]?.Properties.MapPublicIpOnLaunch).toBe(false);
    const [balancer] = ofType("AWS::ElasticLoadBalancingV2::LoadBalancer");
    expect(balancer?.Properties).toMatchObject({ Scheme: "internet-facing", Subnets: [expect.anything(), expect.anything()] });
  });

  it("lets the gate's security group, and the load balancer's, reach the instances on the app port only", () => {
    const ingress = ofType("AWS::EC2::SecurityGroupIngress").map((rule) => rule.Properties);
    expect(ingress).toHaveLength(2);
    for (const rule of ingress) expect(rule).toMatchObject({ IpProtocol: "tcp", FromPort: 8080, ToPort: 8080 });
    const sources = ingress.map((rule) => (rule.SourceSecurityGroupId as { "Fn::GetAtt": string[] })["Fn::GetAtt"][0]);
    expect(sources).toEqual(
      expect.arrayContaining([expect.stringMatching(/^FleetGateSecurityGroup/), expect.stringMatching(/^FleetLoadBalancerSecurityGroup/)]),
    );
  });

  it("outputs exactly what gantry's configuration of the app/env needs", () => {
    expect(Object.keys(template.toJSON().Outputs).sort()).toEqual(Object.values(FLEET_OUTPUTS).sort());
    template.hasOutput(FLEET_OUTPUTS.app, { Value: "hello" });
    template.hasOutput(FLEET_OUTPUTS.appPort, { Value: "8080" });
    template.hasOutput(FLEET_OUTPUTS.autoScalingGroupName, { Value: { Ref: Match.stringLikeRegexp("^FleetGroup") } });
  });

  it("passes cdk-nag's AwsSolutions checks, each acknowledgement with its reason", () => {
    expect(nag.violations.map((violation) => `${violation.ruleName}: ${violation.violatingResources.map((r) => r.resourceLogicalId).join(", ")}`)).toEqual([]);
  });

  it("counts the resources the README lists for the example stack", () => {
    const counts: Record<string, number> = {};
    for (const resource of Object.values(resources)) counts[resource.Type] = (counts[resource.Type] ?? 0) + 1;
    expect(counts).toEqual(EXAMPLE_STACK_RESOURCES);
  });

  it("builds on an existing VPC by ids, with no lookup", () => {
    const vpc = {
      vpcId: "vpc-0abc1234",
      availabilityZones: ["eu-west-1a", "eu-west-1b"],
      publicSubnetIds: ["subnet-0a1", "subnet-0a2"],
      privateSubnetIds: ["subnet-0b1", "subnet-0b2"],
    };
    const { template: existing } = synthFleet({ app: "hello", env: "prod", vpc });
    existing.resourceCountIs("AWS::EC2::VPC", 0);
    existing.hasResourceProperties("AWS::AutoScaling::AutoScalingGroup", { VPCZoneIdentifier: ["subnet-0b1", "subnet-0b2"] });
    existing.hasOutput(FLEET_OUTPUTS.gateSubnetIds, { Value: "subnet-0b1,subnet-0b2" });
  });

  it("reads an existing VPC and the app/env from -c context", () => {
    const context: Record<string, string> = {
      fleetApp: "shop",
      vpcId: "vpc-0abc1234",
      availabilityZones: "eu-west-1a, eu-west-1b",
      publicSubnetIds: "subnet-0a1,subnet-0a2",
      privateSubnetIds: "subnet-0b1,subnet-0b2",
    };
    expect(exampleFleetFromContext((key) => context[key])).toEqual({
      app: "shop",
      env: "prod",
      packages: ["nodejs"],
      vpc: {
        vpcId: "vpc-0abc1234",
        availabilityZones: ["eu-west-1a", "eu-west-1b"],
        publicSubnetIds: ["subnet-0a1", "subnet-0a2"],
        privateSubnetIds: ["subnet-0b1", "subnet-0b2"],
      },
    });
  });
});

describe("GantryFleet props", () => {
  const base: FleetStackProps["fleet"] = { app: "hello", env: "prod" };
  const rejects = (props: Partial<GantryFleetProps>, message: RegExp) => expect(() => synthFleet({ ...base, ...props })).toThrow(message);

  it("rejects a deregistration delay above 3,600 s, naming the prop", () => {
    rejects(
      { deregistrationDelaySeconds: 4000 },
      /^GantryFleet hello\/prod: deregistrationDelaySeconds 4000 is above 3600 \(the ALB deregistration delay range\): give 0–3600$/,
    );
  });

  it("rejects a single zone, and an existing VPC in one zone", () => {
    rejects({ zones: 1 }, /zones 1 is below 2 \(at least two zones/);
    const oneZone = { vpcId: "vpc-0abc1234", availabilityZones: ["eu-west-1a"], publicSubnetIds: ["subnet-0a1"], privateSubnetIds: ["subnet-0b1"] };
    rejects({ vpc: oneZone }, /vpc\.availabilityZones names 1 zone\(s\): the group needs at least 2 \(zones\)/);
  });

  it("rejects health check settings outside ALB's ranges", () => {
    rejects({ healthCheckIntervalSeconds: 4 }, /healthCheckIntervalSeconds 4 is below 5/);
    rejects({ healthCheckIntervalSeconds: 301 }, /healthCheckIntervalSeconds 301 is above 300/);
    rejects({ healthyThresholdCount: 1 }, /healthyThresholdCount 1 is below 2/);
    rejects({ healthCheckIntervalSeconds: 10, healthCheckTimeoutSeconds: 10 }, /healthCheckTimeoutSeconds 10 is not below healthCheckIntervalSeconds 10/);
    rejects({ healthCheckPath: "health" }, /healthCheckPath "health" does not start with "\/"/);
  });

  it("rejects a VPC without NAT or endpoints, and capacities that do not fit", () => {
    rejects({ natGateways: 0 }, /natGateways 0 without interfaceEndpoints .*: set natGateways to 1 or more, or interfaceEndpoints to true/);
    rejects({ minCapacity: 3, maxCapacity: 2 }, /maxCapacity 2 is below minCapacity 3/);
    rejects({ app: "Hello" }, /app "Hello" is not lowercase/);
  });

  it("builds a VPC without NAT when interface endpoints carry the API calls", () => {
    const { template: endpoints, nag: report } = synthFleet({ ...base, natGateways: 0, interfaceEndpoints: true });
    endpoints.resourceCountIs("AWS::EC2::NatGateway", 0);
    endpoints.resourceCountIs("AWS::EC2::VPCEndpoint", 9);
    expect(report.violations).toEqual([]);
  });
});

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [value];
}

/** The example stack's resources, type → count (README, "The example fleet"). */
const EXAMPLE_STACK_RESOURCES = {
  "AWS::EC2::VPC": 1,
  "AWS::EC2::Subnet": 4,
  "AWS::EC2::RouteTable": 4,
  "AWS::EC2::SubnetRouteTableAssociation": 4,
  "AWS::EC2::Route": 4,
  "AWS::EC2::EIP": 1,
  "AWS::EC2::NatGateway": 1,
  "AWS::EC2::InternetGateway": 1,
  "AWS::EC2::VPCGatewayAttachment": 1,
  "AWS::EC2::VPCEndpoint": 2,
  "AWS::EC2::FlowLog": 1,
  "AWS::EC2::SecurityGroup": 3,
  "AWS::EC2::SecurityGroupIngress": 2,
  "AWS::EC2::LaunchTemplate": 1,
  "AWS::IAM::Role": 2,
  "AWS::IAM::Policy": 2,
  "AWS::IAM::InstanceProfile": 1,
  "AWS::Logs::LogGroup": 3,
  "AWS::ElasticLoadBalancingV2::LoadBalancer": 1,
  "AWS::ElasticLoadBalancingV2::Listener": 1,
  "AWS::ElasticLoadBalancingV2::TargetGroup": 1,
  "AWS::AutoScaling::AutoScalingGroup": 1,
};
