import { describe, expect, it } from "vitest";
import type { Capability } from "../../functions/catalog.js";
import { parseConfig } from "../../functions/core/config/config.js";
import { accessScope, statementsFor, type AccessScope } from "../../infra/constructs/capability-statements.js";

/** Every capability, so a new one in catalog.ts fails to compile here until it is mapped and tested. */
const CAPABILITIES: Record<Capability, true> = {
  "group-read": true,
  "group-write": true,
  "retire-parked": true,
  "launch-template-versions": true,
  "launch-template-use": true,
  "lock-table": true,
  "instance-power": true,
  "group-size": true,
  "dns-records": true,
  "start-deploy": true,
  "webhook-secret": true,
  "http-probe": true,
  "quota-read": true,
  "slack-signing-secret": true,
  "invoke-self": true,
  "release-read": true,
  "execution-read": true,
  "github-token": true,
  "failure-evidence": true,
  "release-check": true,
  "release-pointer": true,
  "deploy-command": true,
  "target-registration": true,
  "alerts-publish": true,
};

const group = (name: string, alarms: string[] = []) => ({
  branch: name,
  region: "eu-west-1",
  group: { autoScalingGroupName: name, targetGroupArns: ["arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/x/1"] },
  gates: { alarms },
});

const config = parseConfig({
  apps: { web: { repository: "o/web", environments: { prod: group("web-prod", ["web-5xx"]), staging: group("web-staging") } } },
  schedules: {
    "office-hours": {
      timezone: "Europe/Paris",
      on: "08:00",
      off: "18:00",
      targets: [
        { tag: "gantry:schedule=office-hours", dns: { hostedZoneId: "Z0123456789ABCDEFGHIJ", recordName: "Jumpbox.Dev.Example.com." } },
        { tag: "gantry:schedule=late" },
        { autoScalingGroup: "web-dev" },
      ],
    },
  },
  infrastructure: { vpc: { subnetIds: ["subnet-0abc"], securityGroupIds: ["sg-0abc"] } },
});
const scope = accessScope(config, { partition: "aws", region: "eu-west-1", account: "123456789012" });
const resources = {
  tableArn: "arn:aws:dynamodb:eu-west-1:123456789012:table/gantry",
  deployStateMachineArn: "arn:aws:states:eu-west-1:123456789012:stateMachine:Gantry-deploy",
  webhookSecretParameterArn: "arn:aws:ssm:eu-west-1:123456789012:parameter/gantry/webhook-secret",
  deployExecutionsArn: "arn:aws:states:eu-west-1:123456789012:execution:Gantry-deploy:*",
  slackSigningSecretParameterArn: "arn:aws:ssm:eu-west-1:123456789012:parameter/gantry/slack-signing-secret",
  functionArn: "arn:aws:lambda:eu-west-1:123456789012:function:Gantry-Chat",
  releaseBucketArn: "arn:aws:s3:::gantry-releases",
  alertsTopicArn: "arn:aws:sns:eu-west-1:123456789012:Gantry-alerts",
  alertsKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/0000aaaa-bbbb-cccc-dddd-eeeeffff0000",
};

const json = (capability: Capability, within: AccessScope = scope) =>
  statementsFor(capability, within, resources).map(
    (grant) =>
      grant.statement.toStatementJson() as {
        Sid: string;
        Action: string | string[];
        Resource: string | string[];
        Condition?: Record<string, Record<string, unknown>>;
      },
  );
const list = (value: string | string[]) => (Array.isArray(value) ? value : [value]);
const groupArn = (name: string) => `arn:aws:autoscaling:eu-west-1:123456789012:autoScalingGroup:*:autoScalingGroupName/${name}`;
const isRead = (action: string) => /^[a-z0-9-]+:(Describe|Get|List)[A-Za-z]*$/.test(action);

describe("accessScope", () => {
  it("collects the configured groups, alarms, schedule tags and normalized DNS names", () => {
    expect(scope.deployGroups).toEqual(["web-prod", "web-staging"]);
    expect(scope.alarmNames).toEqual(["web-5xx"]);
    expect(scope.scheduleGroups).toEqual(["web-dev"]);
    expect(scope.scheduleTags).toEqual({ "gantry:schedule": ["office-hours", "late"] });
    expect(scope.dnsRecords).toEqual({ Z0123456789ABCDEFGHIJ: ["jumpbox.dev.example.com"] });
  });
});

describe("statementsFor", () => {
  it.each(Object.keys(CAPABILITIES) as Capability[])("%s allows no mutating action on *", (capability) => {
    const onStar = json(capability).filter((statement) => list(statement.Resource).includes("*"));
    const mutating = onStar.flatMap((statement) => list(statement.Action)).filter((action) => !isRead(action));
    // The one exception: Lambda's VPC network interfaces, which Lambda checks against * (http-probe in a VPC).
    expect(
      mutating.filter(
        (action) =>
          !["ec2:CreateNetworkInterface", "ec2:DeleteNetworkInterface", "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses"].includes(action),
      ),
    ).toEqual([]);
  });

  it("group-write changes only the configured groups, by name, and only gantry's own tags on them", () => {
    const statements = json("group-write");
    const autoscaling = statements.filter((statement) => list(statement.Action).some((action) => action.startsWith("autoscaling:")));

    expect(autoscaling.flatMap((statement) => list(statement.Resource))).toEqual([
      groupArn("web-prod"),
      groupArn("web-staging"),
      groupArn("web-prod"),
      groupArn("web-staging"),
    ]);
    expect(autoscaling.find((statement) => statement.Sid === "TagConfiguredGroups")?.Condition).toEqual({
      "ForAllValues:StringLike": { "aws:TagKeys": ["gantry:*"] },
    });
  });

  it("group-write changes the groups only: no EC2 launch rights, no launch template versions, no role passing", () => {
    const actions = json("group-write").flatMap((statement) => list(statement.Action));

    expect(actions.filter((action) => !action.startsWith("autoscaling:"))).toEqual([]);
  });

  it("launch-template-versions creates versions only of launch templates tagged gantry:managed=true", () => {
    expect(json("launch-template-versions")).toEqual([
      {
        Sid: "VersionManagedLaunchTemplates",
        Effect: "Allow",
        Action: "ec2:CreateLaunchTemplateVersion",
        Resource: "arn:aws:ec2:eu-west-1:123456789012:launch-template/*",
        Condition: { StringEquals: { "aws:ResourceTag/gantry:managed": "true" } },
      },
    ]);
  });

  it("launch-template-use touches EC2 only under a tag, launch-template or creating-action condition, and reads no SSM parameter", () => {
    const statements = json("launch-template-use");
    const ec2 = statements.filter((statement) => list(statement.Action).some((action) => action.startsWith("ec2:")));

    expect(ec2.map((statement) => statement.Sid)).toEqual(["LaunchFromManagedLaunchTemplates", "LaunchFromLaunchTemplatesOnly", "TagAtLaunch"]);
    expect(ec2[0]).toMatchObject({ Action: "ec2:RunInstances", Condition: { StringEquals: { "aws:ResourceTag/gantry:managed": "true" } } });
    expect(ec2[1]?.Condition).toEqual({ ArnLike: { "ec2:LaunchTemplate": "arn:aws:ec2:eu-west-1:123456789012:launch-template/*" } });
    expect(ec2[2]?.Condition).toEqual({ StringEquals: { "ec2:CreateAction": "RunInstances" } });
    expect(statements.flatMap((statement) => list(statement.Action)).filter((action) => action.startsWith("ssm:"))).toEqual([]);
  });

  it("grants no launch template rights when no deploy group is configured", () => {
    expect(json("launch-template-versions", { ...scope, deployGroups: [] })).toEqual([]);
    expect(json("launch-template-use", { ...scope, deployGroups: [] })).toEqual([]);
  });

  it("launch-template-use passes only instance roles under /gantry/ to EC2, or exactly the configured ones", () => {
    const passRole = (within: AccessScope) => json("launch-template-use", within).find((statement) => statement.Sid === "PassInstanceRoles");

    expect(passRole(scope)).toMatchObject({
      Resource: "arn:aws:iam::123456789012:role/gantry/*",
      Condition: { StringEquals: { "iam:PassedToService": "ec2.amazonaws.com" } },
    });
    expect(passRole({ ...scope, instanceRoleArns: ["arn:aws:iam::123456789012:role/web-instance"] })?.Resource).toBe(
      "arn:aws:iam::123456789012:role/web-instance",
    );
  });

  it("deploy-command runs AWS-RunShellScript only on instances with a release tag, and retags only the release key", () => {
    const statements = json("deploy-command");

    expect(statements.map((statement) => statement.Sid)).toEqual([
      "RunShellScriptDocument",
      "RunOnReleaseInstances",
      "ReadCommandResults",
      "RetagReleaseInstances",
    ]);
    expect(statements[0]).toEqual(expect.objectContaining({ Action: "ssm:SendCommand", Resource: "arn:aws:ssm:eu-west-1::document/AWS-RunShellScript" }));
    expect(statements[0]?.Condition).toBeUndefined();
    expect(statements[1]).toEqual(
      expect.objectContaining({
        Resource: "arn:aws:ec2:eu-west-1:123456789012:instance/*",
        Condition: { Null: { "ssm:resourceTag/gantry:release": "false" } },
      }),
    );
    expect(list(statements[2]?.Action ?? [])).toEqual(["ssm:ListCommands", "ssm:GetCommandInvocation"]);
    expect(statements[3]?.Condition).toEqual({
      Null: { "aws:ResourceTag/gantry:release": "false" },
      "ForAllValues:StringEquals": { "aws:TagKeys": ["gantry:release"] },
    });
    expect(json("deploy-command", { ...scope, deployGroups: [] })).toEqual([]);
  });

  it("target-registration changes the configured target groups only", () => {
    expect(json("target-registration")).toEqual([
      expect.objectContaining({
        Action: ["elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets"],
        Resource: "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/x/1",
      }),
    ]);
    expect(json("target-registration", { ...scope, deployTargetGroups: [] })).toEqual([]);
  });

  it("quota-read reads Service Quotas on * only, which has no resource-level permissions for GetServiceQuota", () => {
    expect(json("quota-read")).toEqual([expect.objectContaining({ Sid: "ReadTargetQuota", Action: "servicequotas:GetServiceQuota", Resource: "*" })]);
  });

  it("failure-evidence reads the consoles of release instances only, and scaling activities on *, which has no resource-level permissions", () => {
    expect(json("failure-evidence")).toEqual([
      expect.objectContaining({
        Sid: "ReadReleaseConsoles",
        Action: "ec2:GetConsoleOutput",
        Resource: "arn:aws:ec2:eu-west-1:123456789012:instance/*",
        Condition: { Null: { "aws:ResourceTag/gantry:release": "false" } },
      }),
      expect.objectContaining({ Sid: "ReadScalingActivities", Action: "autoscaling:DescribeScalingActivities", Resource: "*" }),
    ]);
    expect(json("failure-evidence", { ...scope, deployGroups: [] })).toEqual([]);
  });

  it("group-read reads alarms on * (composite alarms answer nothing less), and only when the gates name one", () => {
    expect(json("group-read").find((statement) => statement.Sid === "ReadGateAlarms")).toMatchObject({
      Action: ["cloudwatch:DescribeAlarms", "cloudwatch:DescribeAlarmHistory"],
      Resource: "*",
    });
    expect(json("group-read", { ...scope, alarmNames: [] }).map((statement) => statement.Sid)).toEqual(["DescribeFleet"]);
  });

  it("instance-power starts and stops only instances carrying a schedule's tag value", () => {
    const power = json("instance-power").find((statement) => statement.Sid === "PowerScheduledInstances0");

    expect(power).toMatchObject({
      Action: ["ec2:StartInstances", "ec2:StopInstances"],
      Resource: "arn:aws:ec2:eu-west-1:123456789012:instance/*",
      Condition: { StringEquals: { "aws:ResourceTag/gantry:schedule": ["office-hours", "late"] } },
    });
    expect(json("instance-power", { ...scope, scheduleTags: {} })).toEqual([]);
  });

  it("instance-power may grant EC2 the configured volume keys, and only for AWS resources", () => {
    const key = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    const withKeys = accessScope(parseConfig({ ...config, infrastructure: { ebsKmsKeyArns: [key] } }), {
      partition: "aws",
      region: "eu-west-1",
      account: "123456789012",
    });

    expect(json("instance-power", withKeys).find((statement) => statement.Sid === "GrantEncryptedVolumes")).toMatchObject({
      Action: "kms:CreateGrant",
      Resource: key,
      Condition: { Bool: { "kms:GrantIsForAWSResource": true } },
    });
    expect(json("instance-power").map((statement) => statement.Sid)).not.toContain("GrantEncryptedVolumes");
    expect(() => parseConfig({ ...config, infrastructure: { ebsKmsKeyArns: ["alias/aws/ebs"] } })).toThrow(
      'infrastructure.ebsKmsKeyArns[0]: "alias/aws/ebs" is not a KMS key ARN',
    );
  });

  it("group-size sizes only the groups the schedules name", () => {
    const sizing = json("group-size");

    expect(sizing.flatMap((statement) => list(statement.Resource))).toEqual([groupArn("web-dev"), groupArn("web-dev")]);
    expect(sizing.flatMap((statement) => list(statement.Action))).toEqual([
      "autoscaling:UpdateAutoScalingGroup",
      "autoscaling:CreateOrUpdateTags",
      "autoscaling:DeleteTags",
    ]);
  });

  it("dns-records changes only the configured record names in the configured zone", () => {
    const change = json("dns-records").find((statement) => statement.Sid === "ChangeScheduledRecords0");

    expect(change).toMatchObject({
      Action: "route53:ChangeResourceRecordSets",
      Resource: "arn:aws:route53:::hostedzone/Z0123456789ABCDEFGHIJ",
      Condition: { "ForAllValues:StringEquals": { "route53:ChangeResourceRecordSetsNormalizedRecordNames": ["jumpbox.dev.example.com"] } },
    });
  });

  it("alerts-publish names exactly the alerts topic and its key", () => {
    expect(json("alerts-publish")).toEqual([
      expect.objectContaining({ Action: "sns:Publish", Resource: resources.alertsTopicArn }),
      expect.objectContaining({ Action: ["kms:GenerateDataKey", "kms:Decrypt"], Resource: resources.alertsKeyArn }),
    ]);
  });

  it("lock-table, start-deploy and webhook-secret name exactly the stack's table, deploy machine and parameter", () => {
    expect(json("lock-table")).toEqual([
      expect.objectContaining({ Action: ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"], Resource: resources.tableArn }),
    ]);
    expect(json("start-deploy")).toEqual([expect.objectContaining({ Action: "states:StartExecution", Resource: resources.deployStateMachineArn })]);
    expect(json("webhook-secret")).toEqual([expect.objectContaining({ Action: "ssm:GetParameter", Resource: resources.webhookSecretParameterArn })]);
  });

  it("the chat capabilities name exactly the signing secret, the function itself, the table and the deploy machine's executions", () => {
    expect(json("slack-signing-secret")).toEqual([expect.objectContaining({ Action: "ssm:GetParameter", Resource: resources.slackSigningSecretParameterArn })]);
    expect(json("invoke-self")).toEqual([expect.objectContaining({ Action: "lambda:InvokeFunction", Resource: resources.functionArn })]);
    expect(json("release-read")).toEqual([expect.objectContaining({ Action: ["dynamodb:GetItem", "dynamodb:Query"], Resource: resources.tableArn })]);
    expect(json("execution-read")).toEqual([
      expect.objectContaining({ Action: "states:ListExecutions", Resource: resources.deployStateMachineArn }),
      expect.objectContaining({ Action: "states:DescribeExecution", Resource: resources.deployExecutionsArn }),
    ]);
  });

  it("github-token reads exactly the token parameters of the apps that report deployments, and nothing when none does", () => {
    const reporting = parseConfig({
      apps: {
        web: { repository: "o/web", environments: { prod: group("web-prod") }, github: { deployments: true } },
        api: { repository: "o/api", environments: { prod: group("api-prod") }, github: { deployments: true, tokenParameter: "/ci/api-token" } },
        docs: { repository: "o/docs", environments: { prod: group("docs-prod") }, github: { deployments: false, tokenParameter: "/ci/unused" } },
      },
    });
    const within = accessScope(reporting, { partition: "aws", region: "eu-west-1", account: "123456789012" });

    expect(within.githubTokenParameters).toEqual(["/gantry/github-token", "/ci/api-token"]);
    expect(scope.githubTokenParameters).toEqual([]);
    expect(json("github-token", within)).toEqual([
      {
        Sid: "ReadGitHubTokens",
        Effect: "Allow",
        Action: "ssm:GetParameter",
        Resource: ["arn:aws:ssm:eu-west-1:123456789012:parameter/gantry/github-token", "arn:aws:ssm:eu-west-1:123456789012:parameter/ci/api-token"],
      },
    ]);
    expect(json("github-token")).toEqual([]);
  });

  it("release-check reads the release bucket's objects and lists it (so a missing key is a 404), release-pointer writes only the current pointers", () => {
    expect(json("release-check")).toEqual([
      expect.objectContaining({ Sid: "ReadReleases", Action: "s3:GetObject", Resource: "arn:aws:s3:::gantry-releases/*" }),
      expect.objectContaining({ Sid: "ListReleases", Action: "s3:ListBucket", Resource: "arn:aws:s3:::gantry-releases" }),
    ]);
    expect(json("release-pointer")).toEqual([
      expect.objectContaining({ Sid: "PointCurrentRelease", Action: "s3:PutObject", Resource: "arn:aws:s3:::gantry-releases/*/*/current" }),
    ]);
  });

  it("http-probe needs network-interface access only when the functions run in a VPC", () => {
    expect(json("http-probe").map((statement) => statement.Sid)).toEqual(["ProbeFromVpc"]);
    expect(json("http-probe", { ...scope, vpc: undefined })).toEqual([]);
  });

  it("says why for every wildcard resource it grants", () => {
    const grants = (Object.keys(CAPABILITIES) as Capability[]).flatMap((capability) => statementsFor(capability, scope, resources));
    const unexplained = grants.filter((grant) => grant.statement.resources.some((resource) => resource.includes("*")) && !grant.wildcardReason);

    expect(unexplained.map((grant) => grant.statement.sid)).toEqual([]);
  });
});
