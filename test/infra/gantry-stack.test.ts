import { describe, expect, it } from "vitest";
import { Match } from "aws-cdk-lib/assertions";
import { FUNCTIONS, machines, placeholdersOf } from "../../functions/catalog.js";
import { cycleInputFor } from "../../functions/core/cycle/cycle.js";
import { loadConfigFile } from "../../functions/config/load.js";
import { STACK_OUTPUTS } from "../../functions/core/config/stack-outputs.js";
import { VPC_NETWORK_INTERFACE_ACTIONS } from "../../infra/constructs/capability-statements.js";
import { placeholdersIn, readDefinition } from "../../infra/constructs/definition-file.js";
import { asList, policyStatements, synthGantry } from "./synth.js";

const config = await loadConfigFile("gantry.config.ts");
const { stack, template, nag } = synthGantry({ config });
const resources = template.toJSON().Resources as Record<string, { Type: string; Properties: Record<string, unknown> }>;

/** Logical id of the Lambda function built from functions/<dir>. */
function functionId(dir: string): string {
  const [id] = Object.entries(template.findResources("AWS::Lambda::Function", { Properties: { Description: `gantry: ${dir}` } })).map(
    ([logicalId]) => logicalId,
  );
  if (!id) throw new Error(`no function for ${dir}`);
  return id;
}

function roleStatements(functionDir: string) {
  const roleRef = (resources[functionId(functionDir)]?.Properties.Role as { "Fn::GetAtt": [string, string] })["Fn::GetAtt"][0];
  const policies = Object.entries(template.findResources("AWS::IAM::Policy")).filter(([, policy]) =>
    (policy as { Properties: { Roles: { Ref: string }[] } }).Properties.Roles.some((role) => role.Ref === roleRef),
  );
  return policyStatements(template)
    .filter(({ policy }) => policies.some(([id]) => id === policy))
    .map(({ statement }) => statement);
}

describe("GantryStack", () => {
  it("builds one nodejs22.x arm64 Lambda per catalog entry, traced, logging to a log group with a retention", () => {
    template.resourceCountIs("AWS::Lambda::Function", FUNCTIONS.length);
    for (const entry of FUNCTIONS) {
      const fn = resources[functionId(entry.dir)]?.Properties as { LoggingConfig: { LogGroup: { Ref: string } } };
      expect(fn).toMatchObject({ Runtime: "nodejs22.x", Architectures: ["arm64"], TracingConfig: { Mode: "Active" }, Handler: "index.handler" });
      expect(resources[fn.LoggingConfig.LogGroup.Ref]).toMatchObject({ Type: "AWS::Logs::LogGroup", Properties: { RetentionInDays: 30 } });
    }
  });

  it("carries the deploy definition file as it is, every placeholder substituted by its function's ARN", () => {
    const file = readDefinition("deploy");
    const machine = template.findResources("AWS::StepFunctions::StateMachine");
    const [properties] = Object.values(machine).map(
      (resource) => (resource as { Properties: { DefinitionString: string; DefinitionSubstitutions: Record<string, unknown> } }).Properties,
    );

    expect(properties?.DefinitionString).toBe(file);
    const expected = Object.fromEntries(
      Object.entries(placeholdersOf("deploy")).map(([placeholder, dir]) => [placeholder, { "Fn::GetAtt": [functionId(dir), "Arn"] }]),
    );
    expect(properties?.DefinitionSubstitutions).toEqual(expected);
    expect(placeholdersIn(file).filter((placeholder) => !(placeholder in expected))).toEqual([]);
  });

  it("logs every execution event and traces with X-Ray", () => {
    template.hasResourceProperties("AWS::StepFunctions::StateMachine", {
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: { Level: "ALL", IncludeExecutionData: false, Destinations: [{ CloudWatchLogsLogGroup: { LogGroupArn: Match.anyValue() } }] },
    });
  });

  it("lets each state machine invoke exactly its own functions", () => {
    const invoke = policyStatements(template).filter(
      ({ statement }) => asList(statement.Action).includes("lambda:InvokeFunction") && statement.Sid !== "InvokeItself",
    );
    const policies = [...new Set(invoke.map(({ policy }) => policy))];
    const byPolicy = policies.map((policy) => invoke.filter((entry) => entry.policy === policy).flatMap(({ statement }) => asList(statement.Resource)));
    const expected = machines().map((machine) =>
      FUNCTIONS.filter((entry) => entry.machine === machine).map((entry) => ({ "Fn::GetAtt": [functionId(entry.dir), "Arn"] })),
    );

    expect(machines()).toEqual(["deploy", "power"]);
    expect(byPolicy).toHaveLength(expected.length);
    for (const targets of expected) expect(byPolicy).toContainEqual(targets);
  });

  it("keeps the table on demand with point-in-time recovery, keyed as the adapters expect", () => {
    template.hasResourceProperties("AWS::DynamoDB::Table", {
      BillingMode: "PAY_PER_REQUEST",
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      KeySchema: [
        { AttributeName: "pk", KeyType: "HASH" },
        { AttributeName: "sk", KeyType: "RANGE" },
      ],
    });
  });

  it("exposes the webhook on a Function URL and gives it the parameter name, never a secret value", () => {
    template.hasResourceProperties("AWS::Lambda::Url", { AuthType: "NONE", TargetFunctionArn: { "Fn::GetAtt": [functionId("webhook"), "Arn"] } });
    expect(resources[functionId("webhook")]?.Properties.Environment).toEqual({
      Variables: {
        NODE_OPTIONS: "--enable-source-maps",
        GANTRY_DEPLOY_STATE_MACHINE_ARN: { Ref: expect.stringMatching(/^DeployMachine/) },
        GANTRY_WEBHOOK_SECRET_PARAMETER: "/gantry/webhook-secret",
      },
    });
    template.resourceCountIs("AWS::SSM::Parameter", 0);
    const ssm = roleStatements("webhook").filter((statement) => asList(statement.Action).some((action) => action.startsWith("ssm:")));
    expect(JSON.stringify(ssm)).toMatch(/"Action":"ssm:GetParameter".*:parameter\/gantry\/webhook-secret"/);
  });

  it("exposes the chat endpoint on a Function URL, lets it invoke only itself, and gives it the signing secret's parameter name", () => {
    template.hasResourceProperties("AWS::Lambda::Url", { AuthType: "NONE", TargetFunctionArn: { "Fn::GetAtt": [functionId("chat"), "Arn"] } });
    expect(resources[functionId("chat")]?.Properties.Environment).toEqual({
      Variables: {
        NODE_OPTIONS: "--enable-source-maps",
        GANTRY_TABLE: { Ref: expect.stringMatching(/^Table/) },
        GANTRY_DEPLOY_STATE_MACHINE_ARN: { Ref: expect.stringMatching(/^DeployMachine/) },
        GANTRY_SLACK_SIGNING_SECRET_PARAMETER: "/gantry/slack-signing-secret",
      },
    });
    expect(resources[functionId("chat")]?.Properties.Timeout).toBe(30);
    const statements = roleStatements("chat");
    const invoke = statements.filter((statement) => asList(statement.Action).includes("lambda:InvokeFunction"));
    expect(invoke.map((statement) => statement.Resource)).toEqual([{ "Fn::GetAtt": [functionId("chat"), "Arn"] }]);
    expect(JSON.stringify(statements.filter((statement) => asList(statement.Action).includes("ssm:GetParameter")))).toMatch(
      /:parameter\/gantry\/slack-signing-secret"/,
    );
    expect(statements.flatMap((statement) => asList(statement.Action)).sort()).toEqual([
      "dynamodb:GetItem",
      "dynamodb:Query",
      "lambda:InvokeFunction",
      "logs:CreateLogStream",
      "logs:PutLogEvents",
      "ssm:GetParameter",
      "states:DescribeExecution",
      "states:ListExecutions",
      "states:StartExecution",
      "xray:PutTelemetryRecords",
      "xray:PutTraceSegments",
    ]);
    template.hasOutput(STACK_OUTPUTS.chatUrl, { Value: { "Fn::GetAtt": [Match.stringLikeRegexp("^ChatFunctionFunctionUrl"), "FunctionUrl"] } });
  });

  it("gives each step the table name it writes to", () => {
    expect(resources[functionId("take-deploy-lock")]?.Properties.Environment).toMatchObject({
      Variables: { GANTRY_TABLE: { Ref: expect.stringMatching(/^Table/) } },
    });
  });

  it("grants no mutating action on * (X-Ray writes, Step Functions log delivery and a VPC function's network interfaces excepted, which IAM scopes no further)", () => {
    const unscopable = new Set<string>([
      ...VPC_NETWORK_INTERFACE_ACTIONS,
      "xray:PutTraceSegments",
      "xray:PutTelemetryRecords",
      "logs:CreateLogDelivery",
      "logs:UpdateLogDelivery",
      "logs:DeleteLogDelivery",
      "logs:PutResourcePolicy",
    ]);
    const onStar = policyStatements(template).filter(({ statement }) => asList(statement.Resource).includes("*"));
    const mutating = onStar
      .flatMap(({ statement }) => asList(statement.Action))
      .filter((action) => !/^[a-z0-9-]+:(Describe|Get|List)/.test(action) && !unscopable.has(action));

    expect(mutating).toEqual([]);
  });

  it("changes Auto Scaling groups only by the names the configuration gives: deploys the environments' groups, schedules theirs", () => {
    const groupNames = (functionDir: string) => {
      const autoscaling = roleStatements(functionDir).filter((statement) =>
        asList(statement.Action).some((action) => /^autoscaling:(?!Describe)/.test(action)),
      );
      expect(autoscaling.length, functionDir).toBeGreaterThan(0);
      return [
        ...new Set(
          autoscaling
            .flatMap((statement) => asList(statement.Resource))
            .map((resource) => JSON.stringify(resource).match(/autoScalingGroupName\/([^"]+)/)?.[1]),
        ),
      ];
    };

    expect(groupNames("launch-batch")).toEqual(["hello-prod", "hello-staging"]);
    expect(groupNames("power-act")).toEqual(["hello-dev"]);
  });

  it("changes EC2 resources only under a tag, launch-template or launch condition, but for a VPC function's own network interfaces", () => {
    const ec2 = policyStatements(template).filter(({ statement }) => asList(statement.Action).some((action) => /^ec2:(?!Describe)/.test(action)));
    const [vpcAccess, other] = [
      ec2.filter(({ statement }) => statement.Sid === "ProbeFromVpc"),
      ec2.filter(({ statement }) => statement.Sid !== "ProbeFromVpc"),
    ];

    expect(other.length).toBeGreaterThan(0);
    for (const { statement } of other) expect(Object.keys(statement.Condition ?? {})).not.toEqual([]);
    // The example config runs the HTTP gate in a VPC: Lambda checks these against *, for the four functions that gate (an in-place rollback gates too).
    expect(vpcAccess.map(({ statement }) => statement.Action)).toEqual(Array.from({ length: 4 }, () => [...VPC_NETWORK_INTERFACE_ACTIONS]));
  });

  it("gives the launch rights only to the steps that point a group at another launch template version", () => {
    const launching = FUNCTIONS.filter((entry) => roleStatements(entry.dir).some((statement) => asList(statement.Action).includes("ec2:RunInstances"))).map(
      (entry) => entry.dir,
    );
    const versioning = FUNCTIONS.filter((entry) =>
      roleStatements(entry.dir).some((statement) => asList(statement.Action).includes("ec2:CreateLaunchTemplateVersion")),
    ).map((entry) => entry.dir);
    const passing = FUNCTIONS.filter((entry) => roleStatements(entry.dir).some((statement) => asList(statement.Action).includes("iam:PassRole"))).map(
      (entry) => entry.dir,
    );

    expect(launching).toEqual(["prepare-group", "roll-back"]);
    expect(passing).toEqual(["prepare-group", "roll-back"]);
    expect(versioning).toEqual(["prepare-group"]);
  });

  it("tells the alerts topic about failed, timed-out and aborted executions of gantry's machines, over an encrypted, TLS-only topic", () => {
    template.hasResourceProperties("AWS::Events::Rule", {
      EventPattern: {
        source: ["aws.states"],
        "detail-type": ["Step Functions Execution Status Change"],
        detail: {
          status: ["FAILED", "TIMED_OUT", "ABORTED"],
          stateMachineArn: [{ Ref: Match.stringLikeRegexp("DeployMachine") }, { Ref: Match.stringLikeRegexp("PowerMachine") }],
        },
      },
      Targets: [Match.objectLike({ Arn: { Ref: Match.stringLikeRegexp("AlertsTopic") } })],
    });
    template.hasResourceProperties("AWS::SNS::Topic", { KmsMasterKeyId: Match.anyValue() });
    template.hasResourceProperties("AWS::SNS::TopicPolicy", {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": "false" } } })]) },
    });
    template.hasResourceProperties("AWS::KMS::Key", { EnableKeyRotation: true });
  });

  it("keeps releases in one private, encrypted, versioned, TLS-only bucket whose replaced versions expire", () => {
    template.resourceCountIs("AWS::S3::Bucket", 1);
    template.hasResource("AWS::S3::Bucket", { DeletionPolicy: "Retain" });
    template.hasResourceProperties("AWS::S3::Bucket", {
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: "AES256" } }] },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      VersioningConfiguration: { Status: "Enabled" },
      LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ NoncurrentVersionExpiration: { NoncurrentDays: 30 }, Status: "Enabled" })]) },
    });
    template.hasResourceProperties("AWS::S3::BucketPolicy", {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": "false" } } })]) },
    });
  });

  it("gives the release bucket only to the steps that check releases or point current, each with what it needs", () => {
    const withBucket = FUNCTIONS.filter((entry) => {
      const variables = (resources[functionId(entry.dir)]?.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
      return "GANTRY_RELEASE_BUCKET" in variables;
    }).map((entry) => entry.dir);

    expect(withBucket.sort()).toEqual(["finish-deploy", "plan-rollout"]);
    expect(
      roleStatements("plan-rollout")
        .filter((statement) => asList(statement.Action).some((action) => action.startsWith("s3:")))
        .flatMap((statement) => asList(statement.Action))
        .sort(),
    ).toEqual(["s3:GetObject", "s3:ListBucket"]);
    const pointer = roleStatements("finish-deploy").filter((statement) => asList(statement.Action).some((action) => action.startsWith("s3:")));
    expect(pointer.flatMap((statement) => asList(statement.Action))).toEqual(["s3:PutObject"]);
    expect(JSON.stringify(pointer[0]?.Resource)).toContain("/*/*/current");
  });

  it("outputs what the CLI reads, under the shared keys", () => {
    const outputs = Object.keys(template.toJSON().Outputs as object);

    expect(outputs).toEqual(expect.arrayContaining(Object.values(STACK_OUTPUTS)));
    template.hasOutput(STACK_OUTPUTS.deployConsoleUrl, { Value: Match.objectLike({ "Fn::Join": Match.anyValue() }) });
  });

  it("lets EventBridge Scheduler, from this account only, start gantry's machines", () => {
    template.hasResourceProperties("AWS::IAM::Role", {
      AssumeRolePolicyDocument: {
        Statement: [
          Match.objectLike({ Principal: { Service: "scheduler.amazonaws.com" }, Condition: { StringEquals: { "aws:SourceAccount": Match.anyValue() } } }),
        ],
      },
    });
  });

  it("schedules each work-hours start and stop on the power machine, in the schedule's timezone, with the input it expects", () => {
    const schedules = Object.values(template.findResources("AWS::Scheduler::Schedule")).map(
      (resource) => (resource as { Properties: Record<string, unknown> }).Properties,
    );
    const power = schedules.filter((schedule) => JSON.stringify(schedule).includes("PowerMachine"));

    expect(power).toEqual([
      expect.objectContaining({
        ScheduleExpression: "cron(0 8 ? * SUN-THU *)",
        ScheduleExpressionTimezone: "Asia/Jerusalem",
        FlexibleTimeWindow: { Mode: "OFF" },
        Target: expect.objectContaining({ Input: '{"schedule":"office-hours","action":"start"}' }),
      }),
      expect.objectContaining({
        ScheduleExpression: "cron(0 18 ? * SUN-THU *)",
        ScheduleExpressionTimezone: "Asia/Jerusalem",
        Target: expect.objectContaining({ Input: '{"schedule":"office-hours","action":"stop"}' }),
      }),
    ]);
  });

  it("schedules each app/env's cycle run on the deploy machine with the cycle input, through the Scheduler role", () => {
    const schedules = Object.values(template.findResources("AWS::Scheduler::Schedule")).map(
      (resource) => (resource as { Properties: { Target: { Arn: unknown; RoleArn: unknown; Input: string } } & Record<string, unknown> }).Properties,
    );
    const cycles = schedules.filter((schedule) => JSON.stringify(schedule.Target.Arn).includes("DeployMachine"));

    expect(cycles).toHaveLength(1);
    expect(cycles[0]).toMatchObject({ ScheduleExpression: "cron(0 3 ? * SUN *)", ScheduleExpressionTimezone: "Europe/London" });
    expect(JSON.parse(cycles[0]?.Target.Input ?? "")).toEqual(cycleInputFor(config, "hello", "prod", { source: "schedule" }));
    expect(JSON.parse(cycles[0]?.Target.Input ?? "")).not.toHaveProperty("release");
    for (const schedule of schedules) expect(JSON.stringify(schedule.Target.RoleArn)).toContain("SchedulerRole");
  });

  it("passes cdk-nag's AwsSolutions pack, every acknowledgement with its reason", () => {
    expect(
      nag.violations.map((violation) => `${violation.ruleName}: ${violation.violatingResources.map((resource) => resource.resourceLogicalId).join(", ")}`),
    ).toEqual([]);
    expect(nag.success).toBe(true);
    const acknowledgements = stack.node
      .findAll()
      .flatMap((construct) => construct.node.metadata.filter((entry) => entry.type === "aws:cdk:acknowledged-rules").map((entry) => entry.data as unknown));
    // Each entry maps "Annotation::<rule id>" to the reason given for it.
    const reasons = acknowledgements.flatMap((data) => Object.entries(data as Record<string, unknown>));
    expect(reasons.length).toBeGreaterThan(0);
    expect(reasons.filter(([, reason]) => typeof reason !== "string" || reason.length < 40)).toEqual([]);
  });
});

describe("GantryStack, the GitHub webhook settings", () => {
  it("prints the payload URL, content type, secret parameter and events as an output", () => {
    const settings = template.toJSON().Outputs[STACK_OUTPUTS.githubWebhookSettings] as { Value: { "Fn::Join": [string, unknown[]] } };
    const text = settings.Value["Fn::Join"][1].map((part) => (typeof part === "string" ? part : "<url>")).join("");

    expect(text).toBe(
      "Payload URL <url> | Content type application/json | Secret: the value stored in the SSM SecureString /gantry/webhook-secret (gantry webhook secret set) | SSL verification enabled | Events: Just the push event | Active",
    );
  });
});
