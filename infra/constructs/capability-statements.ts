import * as iam from "aws-cdk-lib/aws-iam";
import type { Capability } from "../../functions/catalog.js";
import type { GantryConfig } from "../../functions/core/config/config.js";
import { RELEASE_TAG } from "../../functions/core/fleet.js";

/**
 * What the configuration lets gantry touch, as names: the IAM statements of every capability
 * are scoped to these and nothing else.
 */
export interface AccessScope {
  partition: string;
  region: string;
  account: string;
  /** Auto Scaling groups that deploys roll (apps.*.environments.*.group). */
  deployGroups: string[];
  /** Target groups those groups serve behind (apps.*.environments.*.group.targetGroupArns), which in-place deploys register and deregister in. */
  deployTargetGroups: string[];
  /** CloudWatch alarms the deploy gates read (apps.*.environments.*.gates.alarms). */
  alarmNames: string[];
  /** Auto Scaling groups the schedules size (schedules.*.targets[*].autoScalingGroup). */
  scheduleGroups: string[];
  /** Instance tags the schedules start and stop by (schedules.*.targets[*].tag), per key. */
  scheduleTags: Record<string, string[]>;
  /** Route 53 records the schedules point at started instances, per hosted zone id. */
  dnsRecords: Record<string, string[]>;
  /** Roles the launch templates' instance profiles carry; undefined means "roles under /gantry/". */
  instanceRoleArns?: string[];
  /** KMS keys of scheduled instances' encrypted volumes, which a start needs a grant on. */
  ebsKmsKeyArns?: string[];
  vpc?: { subnetIds: string[]; securityGroupIds: string[] };
  /** SSM parameters holding the GitHub tokens of apps that report deployments (apps.*.github.tokenParameter). */
  githubTokenParameters: string[];
}

/** The resources gantry's stack creates, which some capabilities reach. */
export interface StackResources {
  tableArn: string;
  deployStateMachineArn: string;
  webhookSecretParameterArn: string;
  /** Every execution of the deploy state machine: `arn:…:execution:<machine name>:*`. */
  deployExecutionsArn: string;
  slackSigningSecretParameterArn: string;
  /** The function the statements are for (what `invoke-self` allows it to invoke). */
  functionArn?: string;
  /** The release bucket's ARN (arn:aws:s3:::<bucket>). */
  releaseBucketArn: string;
  /** The alerts topic and the key it is encrypted with (publishing needs both). */
  alertsTopicArn: string;
  alertsKeyArn: string;
}

/** The tag every EC2 resource gantry may change without naming it (launch templates, instances) carries. */
export const MANAGED_TAG = { key: "gantry:managed", value: "true" } as const;

/** Collects the scope from a validated configuration; `where` gives the partition, region and account (tokens or literals). */
export function accessScope(config: GantryConfig, where: { partition: string; region: string; account: string }): AccessScope {
  const environments = Object.values(config.apps).flatMap((app) => Object.values(app.environments));
  const targets = Object.values(config.schedules ?? {}).flatMap((schedule) => schedule.targets);
  const scheduleTags: Record<string, string[]> = {};
  const dnsRecords: Record<string, string[]> = {};
  for (const target of targets) {
    if (target.tag) {
      const [key = "", value = ""] = target.tag.split("=");
      scheduleTags[key] = unique([...(scheduleTags[key] ?? []), value]);
    }
    if (target.dns) {
      // Route 53 compares the normalized name: lowercase, without the trailing dot.
      const name = target.dns.recordName.toLowerCase().replace(/\.$/, "");
      dnsRecords[target.dns.hostedZoneId] = unique([...(dnsRecords[target.dns.hostedZoneId] ?? []), name]);
    }
  }
  return {
    ...where,
    deployGroups: unique(environments.map((environment) => environment.group.autoScalingGroupName)),
    deployTargetGroups: unique(environments.flatMap((environment) => environment.group.targetGroupArns)),
    alarmNames: unique(environments.flatMap((environment) => environment.gates.alarms)),
    scheduleGroups: unique(targets.flatMap((target) => (target.autoScalingGroup ? [target.autoScalingGroup] : []))),
    scheduleTags,
    dnsRecords,
    githubTokenParameters: unique(Object.values(config.apps).flatMap((app) => (app.github?.deployments ? [app.github.tokenParameter] : []))),
    ...(config.infrastructure?.instanceRoleArns ? { instanceRoleArns: config.infrastructure.instanceRoleArns } : {}),
    ...(config.infrastructure?.vpc ? { vpc: config.infrastructure.vpc } : {}),
    ...(config.infrastructure?.ebsKmsKeyArns ? { ebsKmsKeyArns: config.infrastructure.ebsKmsKeyArns } : {}),
  };
}

/** One statement a capability grants; `wildcardReason` says why a `*` in its resources is the point. */
export interface Grant {
  statement: iam.PolicyStatement;
  wildcardReason?: string;
}

/** The IAM statements one capability needs, scoped to `scope` and the stack's own resources. */
export function statementsFor(capability: Capability, scope: AccessScope, resources: StackResources): Grant[] {
  return STATEMENTS[capability](scope, resources).filter((grant) => grant.statement.resources.length > 0);
}

/** Actions AWS authorizes only on `*` (no resource-level permissions): reads only. */
export const UNSCOPED_READS = [
  "autoscaling:DescribeAutoScalingGroups",
  "ec2:DescribeInstances",
  "ec2:DescribeInstanceStatus",
  "ec2:DescribeLaunchTemplateVersions",
  "elasticloadbalancing:DescribeTargetGroups",
  "elasticloadbalancing:DescribeTargetGroupAttributes",
  "elasticloadbalancing:DescribeTargetHealth",
] as const;

/**
 * Lambda checks at function creation that a VPC function's role may manage network interfaces,
 * and evaluates that check against `*`: these are the actions of AWS's own
 * AWSLambdaVPCAccessExecutionRole, which cannot be scoped further.
 */
export const VPC_NETWORK_INTERFACE_ACTIONS = [
  "ec2:CreateNetworkInterface",
  "ec2:DescribeNetworkInterfaces",
  "ec2:DescribeSubnets",
  "ec2:DeleteNetworkInterface",
  "ec2:AssignPrivateIpAddresses",
  "ec2:UnassignPrivateIpAddresses",
] as const;

type StatementBuilder = (scope: AccessScope, resources: StackResources) => Grant[];

const groupArns = (scope: AccessScope, names: readonly string[]): string[] =>
  names.map((name) => `arn:${scope.partition}:autoscaling:${scope.region}:${scope.account}:autoScalingGroup:*:autoScalingGroupName/${name}`);

const ec2Arn = (scope: AccessScope, resource: string): string => `arn:${scope.partition}:ec2:${scope.region}:${scope.account}:${resource}`;

/** Only gantry's own tags (`gantry:release`, …) may be written or removed on a group. */
const gantryTagKeysOnly = { "ForAllValues:StringLike": { "aws:TagKeys": ["gantry:*"] } };

const statement = (
  sid: string,
  actions: readonly string[],
  resources: readonly string[],
  conditions?: Record<string, unknown>,
  wildcardReason?: string,
): Grant => ({
  statement: new iam.PolicyStatement({ sid, actions: [...actions], resources: [...resources], ...(conditions ? { conditions } : {}) }),
  ...(wildcardReason ? { wildcardReason } : {}),
});

const WHY = {
  describe: "Describe* reads of Auto Scaling, EC2 and ELBv2 have no resource-level permissions in IAM: they are allowed on * only, and change nothing.",
  groupArn: "The * is the Auto Scaling group's generated id; the ARN names the configured group by its name.",
  managedTemplates: "Launch templates tagged gantry:managed=true only (aws:ResourceTag condition); their ids are not known to gantry's configuration.",
  launchedResources:
    "RunInstances is checked on every resource a launch touches; allowed only for launches from a launch template (ec2:LaunchTemplate condition), itself limited to templates tagged gantry:managed=true.",
  tagAtLaunch: "Tags only the instances, volumes and interfaces a launch creates (ec2:CreateAction = RunInstances): the launch template's tag specifications.",
  instanceRoles: "Instance roles under the /gantry/ path, passed to EC2 only (iam:PassedToService); list them in infrastructure.instanceRoleArns to pin them.",
  scheduledInstances: "Instances carrying the schedule's tag only (aws:ResourceTag condition); which instances those are is decided by tagging them.",
  releaseInstances:
    "Instances carrying a gantry:release tag only (aws:ResourceTag condition): every instance a gantry-deployed group launches inherits it. A detached instance is no longer its group's, so the group cannot scope this; gantry's roles tag instances at launch, and an in-place deploy changes only the value of that tag.",
  deployCommand:
    "Instances carrying a gantry:release tag only (ssm:resourceTag condition): the instances of gantry's groups; their ids are not known in advance.",
  commandResults:
    "ListCommands and GetCommandInvocation have no resource-level permissions in IAM (Service Authorization Reference, AWS Systems Manager): allowed on * only; they read the results of commands, and change nothing.",
  executions: "An execution's ARN ends in its name, made per deploy; the pattern covers the executions of this stack's deploy state machine only.",
  recordChanges: "GetChange reads the status of a change gantry just made; change ids are not known in advance.",
  releaseObjects: "Objects of the release bucket only, read-only: any app/env's slug and manifest, which plan rollout checks before a deploy.",
  currentPointer: "Writes only the current pointer of each <app>/<env> in the release bucket: the * are the app and env names.",
  vpc: "Lambda validates a VPC function's network-interface permissions against *; these are the actions of AWS's AWSLambdaVPCAccessExecutionRole.",
  quotas:
    "GetServiceQuota has no resource-level permissions in IAM (Service Authorization Reference, Service Quotas): allowed on * only; it reads a quota's value and changes nothing.",
  scalingActivities:
    "DescribeScalingActivities has no resource-level permissions in IAM (Service Authorization Reference, Amazon EC2 Auto Scaling): allowed on * only; it reads what the groups did and why, and changes nothing.",
  consoleOutput:
    "Instances carrying a gantry:release tag only (aws:ResourceTag condition): the instances gantry's groups launch; their ids are not known in advance.",
  compositeAlarms:
    "DescribeAlarms and DescribeAlarmHistory answer for composite alarms only to a caller allowed them on * (CloudWatch API reference, DescribeAlarms and DescribeAlarmHistory); they read alarm states and their changes, and change nothing.",
} as const;

const STATEMENTS: Record<Capability, StatementBuilder> = {
  "group-read": (scope) => [
    statement("DescribeFleet", UNSCOPED_READS, ["*"], undefined, WHY.describe),
    // Scoped to alarm ARNs, a composite alarm in gates.alarms would read as not found and refuse every deploy.
    ...(scope.alarmNames.length === 0
      ? []
      : [statement("ReadGateAlarms", ["cloudwatch:DescribeAlarms", "cloudwatch:DescribeAlarmHistory"], ["*"], undefined, WHY.compositeAlarms)]),
  ],

  "group-write": (scope) => [
    statement(
      "RollConfiguredGroups",
      [
        "autoscaling:SetDesiredCapacity",
        "autoscaling:UpdateAutoScalingGroup",
        "autoscaling:SuspendProcesses",
        "autoscaling:ResumeProcesses",
        "autoscaling:EnterStandby",
        "autoscaling:ExitStandby",
        "autoscaling:TerminateInstanceInAutoScalingGroup",
      ],
      groupArns(scope, scope.deployGroups),
      undefined,
      WHY.groupArn,
    ),
    statement(
      "TagConfiguredGroups",
      ["autoscaling:CreateOrUpdateTags", "autoscaling:DeleteTags"],
      groupArns(scope, scope.deployGroups),
      gantryTagKeysOnly,
      WHY.groupArn,
    ),
  ],

  // Finishing detaches the parked old instances (desired capacity unchanged: Standby ones are not
  // counted), then terminates them through EC2, 1,000 a call instead of one per call.
  "retire-parked": (scope) =>
    scope.deployGroups.length === 0
      ? []
      : [
          statement("DetachFromConfiguredGroups", ["autoscaling:DetachInstances"], groupArns(scope, scope.deployGroups), undefined, WHY.groupArn),
          statement(
            "TerminateReleaseInstances",
            ["ec2:TerminateInstances"],
            [ec2Arn(scope, "instance/*")],
            { Null: { [`aws:ResourceTag/${RELEASE_TAG}`]: "false" } },
            WHY.releaseInstances,
          ),
        ],

  "launch-template-versions": (scope) =>
    scope.deployGroups.length === 0
      ? []
      : [statement("VersionManagedLaunchTemplates", ["ec2:CreateLaunchTemplateVersion"], [ec2Arn(scope, "launch-template/*")], MANAGED, WHY.managedTemplates)],

  "launch-template-use": (scope) => (scope.deployGroups.length === 0 ? [] : launchRightsStatements(scope)),

  // Locks and release rows are read, created and updated in place; gantry deletes and queries nothing from a Lambda.
  "lock-table": (_scope, resources) => [
    statement("ReadWriteGantryTable", ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"], [resources.tableArn]),
  ],

  "instance-power": (scope) => [
    ...Object.entries(scope.scheduleTags).map(([key, values], index) =>
      statement(
        `PowerScheduledInstances${index}`,
        ["ec2:StartInstances", "ec2:StopInstances"],
        [ec2Arn(scope, "instance/*")],
        { StringEquals: { [`aws:ResourceTag/${key}`]: values } },
        WHY.scheduledInstances,
      ),
    ),
    // EC2 attaches a volume encrypted under a customer-managed key by creating a grant as the caller.
    ...(scope.ebsKmsKeyArns?.length && Object.keys(scope.scheduleTags).length > 0
      ? [statement("GrantEncryptedVolumes", ["kms:CreateGrant"], scope.ebsKmsKeyArns, { Bool: { "kms:GrantIsForAWSResource": true } })]
      : []),
  ],

  // A stop and a start set min, desired and max together (UpdateAutoScalingGroup); nothing sets desired alone.
  "group-size": (scope) => [
    statement("SizeScheduledGroups", ["autoscaling:UpdateAutoScalingGroup"], groupArns(scope, scope.scheduleGroups), undefined, WHY.groupArn),
    statement(
      "TagScheduledGroups",
      ["autoscaling:CreateOrUpdateTags", "autoscaling:DeleteTags"],
      groupArns(scope, scope.scheduleGroups),
      gantryTagKeysOnly,
      WHY.groupArn,
    ),
  ],

  "dns-records": (scope) => {
    const zones = Object.entries(scope.dnsRecords);
    if (zones.length === 0) return [];
    return [
      ...zones.map(([zone, names], index) =>
        statement(`ChangeScheduledRecords${index}`, ["route53:ChangeResourceRecordSets"], [`arn:${scope.partition}:route53:::hostedzone/${zone}`], {
          "ForAllValues:StringEquals": { "route53:ChangeResourceRecordSetsNormalizedRecordNames": names },
        }),
      ),
      statement(
        "ReadScheduledZones",
        ["route53:ListResourceRecordSets"],
        zones.map(([zone]) => `arn:${scope.partition}:route53:::hostedzone/${zone}`),
      ),
      statement("ReadRecordChanges", ["route53:GetChange"], [`arn:${scope.partition}:route53:::change/*`], undefined, WHY.recordChanges),
    ];
  },

  "start-deploy": (_scope, resources) => [statement("StartDeploys", ["states:StartExecution"], [resources.deployStateMachineArn])],

  "webhook-secret": (_scope, resources) => [statement("ReadWebhookSecret", ["ssm:GetParameter"], [resources.webhookSecretParameterArn])],

  "slack-signing-secret": (_scope, resources) => [statement("ReadSlackSigningSecret", ["ssm:GetParameter"], [resources.slackSigningSecretParameterArn])],

  "invoke-self": (_scope, resources) => (resources.functionArn ? [statement("InvokeItself", ["lambda:InvokeFunction"], [resources.functionArn])] : []),

  "release-read": (_scope, resources) => [statement("ReadReleaseHistory", ["dynamodb:GetItem", "dynamodb:Query"], [resources.tableArn])],

  "execution-read": (_scope, resources) => [
    statement("ListDeployExecutions", ["states:ListExecutions"], [resources.deployStateMachineArn]),
    statement("DescribeDeployExecutions", ["states:DescribeExecution"], [resources.deployExecutionsArn], undefined, WHY.executions),
  ],

  "http-probe": (scope) => (scope.vpc ? [statement("ProbeFromVpc", VPC_NETWORK_INTERFACE_ACTIONS, ["*"], undefined, WHY.vpc)] : []),

  "quota-read": () => [statement("ReadTargetQuota", ["servicequotas:GetServiceQuota"], ["*"], undefined, WHY.quotas)],

  // The token parameters by ARN and nothing else; SSM decrypts them with the account's aws/ssm key on the caller's behalf.
  "github-token": (scope) => [
    statement(
      "ReadGitHubTokens",
      ["ssm:GetParameter"],
      scope.githubTokenParameters.map((name) => `arn:${scope.partition}:ssm:${scope.region}:${scope.account}:parameter${name}`),
    ),
  ],
  // A batch that never comes up is explained by its instances' console and the group's failed activities.
  "failure-evidence": (scope) =>
    scope.deployGroups.length === 0
      ? []
      : [
          statement(
            "ReadReleaseConsoles",
            ["ec2:GetConsoleOutput"],
            [ec2Arn(scope, "instance/*")],
            { Null: { [`aws:ResourceTag/${RELEASE_TAG}`]: "false" } },
            WHY.consoleOutput,
          ),
          statement("ReadScalingActivities", ["autoscaling:DescribeScalingActivities"], ["*"], undefined, WHY.scalingActivities),
        ],
  // HeadObject is authorized by s3:GetObject; without s3:ListBucket S3 answers 403, not 404, for a
  // key that does not exist (S3 API Reference, HeadObject, "Permissions"), and a missing release
  // would read as a permissions fault.
  "release-check": (_scope, resources) => [
    statement("ReadReleases", ["s3:GetObject"], [`${resources.releaseBucketArn}/*`], undefined, WHY.releaseObjects),
    statement("ListReleases", ["s3:ListBucket"], [resources.releaseBucketArn]),
  ],

  // Run Command checks SendCommand on the document and on each instance; the document is AWS's own, with no account in its ARN.
  "deploy-command": (scope) =>
    scope.deployGroups.length === 0
      ? []
      : [
          statement("RunShellScriptDocument", ["ssm:SendCommand"], [`arn:${scope.partition}:ssm:${scope.region}::document/AWS-RunShellScript`]),
          statement(
            "RunOnReleaseInstances",
            ["ssm:SendCommand"],
            [ec2Arn(scope, "instance/*")],
            { Null: { [`ssm:resourceTag/${RELEASE_TAG}`]: "false" } },
            WHY.deployCommand,
          ),
          statement("ReadCommandResults", ["ssm:ListCommands", "ssm:GetCommandInvocation"], ["*"], undefined, WHY.commandResults),
          statement(
            "RetagReleaseInstances",
            ["ec2:CreateTags"],
            [ec2Arn(scope, "instance/*")],
            { Null: { [`aws:ResourceTag/${RELEASE_TAG}`]: "false" }, "ForAllValues:StringEquals": { "aws:TagKeys": [RELEASE_TAG] } },
            WHY.releaseInstances,
          ),
        ],

  "target-registration": (scope) =>
    scope.deployTargetGroups.length === 0
      ? []
      : [
          statement(
            "RegisterInConfiguredTargetGroups",
            ["elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets"],
            scope.deployTargetGroups,
          ),
        ],

  "release-pointer": (_scope, resources) => [
    statement("PointCurrentRelease", ["s3:PutObject"], [`${resources.releaseBucketArn}/*/*/current`], undefined, WHY.currentPointer),
  ],

  // SNS encrypts each message with a data key from the topic's key, on the publisher's behalf.
  "alerts-publish": (_scope, resources) => [
    statement("PublishAlerts", ["sns:Publish"], [resources.alertsTopicArn]),
    statement("EncryptAlerts", ["kms:GenerateDataKey", "kms:Decrypt"], [resources.alertsKeyArn]),
  ],
};

const MANAGED = { StringEquals: { [`aws:ResourceTag/${MANAGED_TAG.key}`]: MANAGED_TAG.value } };

/**
 * A deploy with a new `imageId` points the group at a new launch template version, and its
 * rollback points it back. UpdateAutoScalingGroup with a launch template checks that the caller
 * could itself launch from it (ec2:RunInstances, iam:PassRole for the instance profile,
 * ec2:CreateTags for its tag specifications: "Control Amazon EC2 launch template usage in Auto
 * Scaling groups", EC2 Auto Scaling User Guide), so those come scoped to launch templates tagged
 * `gantry:managed=true`.
 *
 * A version whose AMI is an SSM parameter (`resolve:ssm:…`) would need ssm:GetParameters too
 * ("anyone who uses the launch template also needs ssm:GetParameters", same guide, "Use AWS
 * Systems Manager parameters instead of AMI IDs"). That is not granted: the parameter names are
 * not in gantry's configuration, and parameter/* would let these roles read every parameter of
 * the account (and, through the default aws/ssm key, decrypt its SecureStrings, the webhook
 * secret among them). Plan rollout refuses an `imageId` deploy of such a group instead
 * (checkLaunchTemplate), before anything changed.
 */
function launchRightsStatements(scope: AccessScope): Grant[] {
  const templates = ec2Arn(scope, "launch-template/*");
  const launchedResources = ["instance/*", "volume/*", "network-interface/*", "subnet/*", "security-group/*", "key-pair/*", "placement-group/*"].map(
    (resource) => ec2Arn(scope, resource),
  );
  return [
    statement("LaunchFromManagedLaunchTemplates", ["ec2:RunInstances"], [templates], MANAGED, WHY.managedTemplates),
    statement(
      "LaunchFromLaunchTemplatesOnly",
      ["ec2:RunInstances"],
      [...launchedResources, `arn:${scope.partition}:ec2:${scope.region}::image/*`, `arn:${scope.partition}:ec2:${scope.region}::snapshot/*`],
      { ArnLike: { "ec2:LaunchTemplate": templates } },
      WHY.launchedResources,
    ),
    statement(
      "TagAtLaunch",
      ["ec2:CreateTags"],
      ["instance/*", "volume/*", "network-interface/*"].map((resource) => ec2Arn(scope, resource)),
      { StringEquals: { "ec2:CreateAction": "RunInstances" } },
      WHY.tagAtLaunch,
    ),
    statement(
      "PassInstanceRoles",
      ["iam:PassRole"],
      scope.instanceRoleArns ?? [`arn:${scope.partition}:iam::${scope.account}:role/gantry/*`],
      { StringEquals: { "iam:PassedToService": "ec2.amazonaws.com" } },
      WHY.instanceRoles,
    ),
  ];
}

function unique<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}
