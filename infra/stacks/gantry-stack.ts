import { Aws, CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from "aws-cdk-lib";
import * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import * as iam from "aws-cdk-lib/aws-iam";
import * as lambda from "aws-cdk-lib/aws-lambda";
import * as logs from "aws-cdk-lib/aws-logs";
import type * as sfn from "aws-cdk-lib/aws-stepfunctions";
import type { Construct } from "constructs";
import { FUNCTIONS, type FunctionEntry } from "../../functions/catalog.js";
import { GANTRY_TABLE_DEFINITION } from "../../functions/aws/dynamo-client.js";
import type { GantryConfig } from "../../functions/core/config/config.js";
import { DEFAULT_WEBHOOK_SECRET_PARAMETER, STACK_OUTPUTS } from "../../functions/core/config/stack-outputs.js";
import * as events from "aws-cdk-lib/aws-events";
import * as targets from "aws-cdk-lib/aws-events-targets";
import { RECOVERABLE_STATUSES } from "../../functions/core/rollout/unfinished.js";
import { githubWebhookSettingsLine } from "../../functions/core/webhook/github-settings.js";
import { Alerts } from "../constructs/alerts.js";
import { accessScope, statementsFor } from "../constructs/capability-statements.js";
import { DEFINITIONS_DIR, readDefinition, taskTimeouts } from "../constructs/definition-file.js";
import { GantryFunction, type FunctionCodeSource } from "../constructs/gantry-function.js";
import { GantryStateMachine } from "../constructs/gantry-state-machine.js";
import { ReleaseBucket } from "../constructs/release-bucket.js";
import { SchedulerRole } from "../constructs/scheduler-role.js";
import { Schedules } from "../constructs/schedules.js";
import { WHY_XRAY, acknowledgeRuntime, acknowledgeWildcards } from "../constructs/nag-suppressions.js";

export interface GantryStackProps extends StackProps {
  config: GantryConfig;
  /** The bundle of each function directory (infra/function-code.ts in the app; a stand-in in tests). */
  code: FunctionCodeSource;
  /** The function table; functions/catalog.ts unless a test brings its own. */
  functions?: readonly FunctionEntry[];
  /** Where `<machine>.asl.json` files are read from; statemachines/ by default. */
  definitionsDir?: string;
}

export { DEFAULT_WEBHOOK_SECRET_PARAMETER };
export const DEFAULT_SLACK_SIGNING_SECRET_PARAMETER = "/gantry/slack-signing-secret";
const LOG_RETENTION = logs.RetentionDays.ONE_MONTH;
/** Lambda's own ceiling; a Task state that waits longer gets a Lambda that still stops at 15 minutes. */
const MAX_LAMBDA_SECONDS = 900;
/** GitHub gives a webhook 10 seconds: the default for a function no state machine calls. */
const WEBHOOK_SECONDS = 10;
const STEP_SECONDS_DEFAULT = 60;

/**
 * All of gantry in one stack: a Lambda per function in the catalog, a state machine per
 * machine the catalog names (from its definition file), the table, the webhook's Function
 * URL, alerts, and the EventBridge Scheduler schedules the configuration declares, with their role. Adding a function or a machine to the
 * catalog (and its definition file) is all it takes to deploy it.
 */
export class GantryStack extends Stack {
  /** The state machines by name ("deploy", "power", …), for schedules to target. */
  readonly stateMachines: Record<string, sfn.StateMachine> = {};
  readonly functions: Record<string, GantryFunction> = {};
  readonly table: dynamodb.Table;
  /** The release store: slugs, environments, manifests and each app/env's `current`. */
  readonly releases: ReleaseBucket;
  readonly alerts: Alerts;
  readonly schedulerRole: SchedulerRole;
  /** The work-hours and cycle schedules the configuration declares. */
  readonly schedules: Schedules;

  constructor(scope: Construct, id: string, props: GantryStackProps) {
    super(scope, id, props);
    const catalog = props.functions ?? FUNCTIONS;
    const definitionsDir = props.definitionsDir ?? DEFINITIONS_DIR;
    const secretParameter = props.config.infrastructure?.webhookSecretParameter ?? DEFAULT_WEBHOOK_SECRET_PARAMETER;
    const signingSecretParameter = props.config.chat?.slack.signingSecretParameter ?? DEFAULT_SLACK_SIGNING_SECRET_PARAMETER;

    this.table = new dynamodb.Table(this, "Table", {
      partitionKey: { name: GANTRY_TABLE_DEFINITION.partitionKey.name, type: dynamodb.AttributeType.STRING },
      sortKey: { name: GANTRY_TABLE_DEFINITION.sortKey.name, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // The release history outlives the stack: deleting gantry must not delete what it recorded.
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.releases = new ReleaseBucket(this, "Releases");

    const machineNames = [...new Set(catalog.flatMap((entry) => (entry.machine ? [entry.machine] : [])))];
    const definitions = Object.fromEntries(machineNames.map((machine) => [machine, readDefinition(machine, definitionsDir)]));
    const timeouts: Record<string, number> = Object.assign({}, ...Object.values(definitions).map(taskTimeouts));

    for (const entry of catalog) {
      const stepSeconds = entry.placeholder
        ? Math.min(timeouts[entry.placeholder] ?? STEP_SECONDS_DEFAULT, MAX_LAMBDA_SECONDS)
        : (entry.seconds ?? WEBHOOK_SECONDS);
      this.functions[entry.dir] = new GantryFunction(this, pascal(entry.dir), {
        dir: entry.dir,
        code: props.code,
        timeout: Duration.seconds(stepSeconds),
        memorySize: entry.machine ? 512 : 256,
        logRetention: LOG_RETENTION,
        environment: entry.needs.some((need) => need === "lock-table" || need === "release-read") ? { GANTRY_TABLE: this.table.tableName } : {},
        ...(entry.needs.includes("http-probe") && props.config.infrastructure?.vpc ? { vpc: props.config.infrastructure.vpc } : {}),
      });
    }

    for (const machine of machineNames) {
      const entries = catalog.filter((entry) => entry.machine === machine && entry.placeholder);
      const built = new GantryStateMachine(this, `${pascal(machine)}Machine`, {
        machine,
        stateMachineName: `${this.stackName}-${machine}`,
        definition: definitions[machine] as string,
        functions: Object.fromEntries(entries.map((entry) => [entry.placeholder as string, this.fn(entry.dir).function])),
        logRetention: LOG_RETENTION,
      });
      this.stateMachines[machine] = built.stateMachine;
    }
    const deploy = this.stateMachines.deploy;
    if (!deploy) throw new Error('functions/catalog.ts names no function of the "deploy" state machine: gantry needs one to deploy.');

    this.alerts = new Alerts(this, "Alerts", { stateMachines: Object.values(this.stateMachines) });
    const access = accessScope(props.config, { partition: Aws.PARTITION, region: this.region, account: this.account });
    const resources = {
      tableArn: this.table.tableArn,
      deployStateMachineArn: deploy.stateMachineArn,
      webhookSecretParameterArn: `arn:${Aws.PARTITION}:ssm:${this.region}:${this.account}:parameter${secretParameter}`,
      deployExecutionsArn: `arn:${Aws.PARTITION}:states:${this.region}:${this.account}:execution:${deploy.stateMachineName}:*`,
      slackSigningSecretParameterArn: `arn:${Aws.PARTITION}:ssm:${this.region}:${this.account}:parameter${signingSecretParameter}`,
      releaseBucketArn: this.releases.bucket.bucketArn,
      alertsTopicArn: this.alerts.topic.topicArn,
      alertsKeyArn: this.alerts.key.keyArn,
    };
    for (const entry of catalog) {
      const built = this.fn(entry.dir);
      const own = { ...resources, functionArn: built.function.functionArn };
      const grants = entry.needs.flatMap((capability) => statementsFor(capability, access, own));
      const invokeSelf = entry.needs.includes("invoke-self") ? statementsFor("invoke-self", access, own) : [];
      for (const grant of grants) if (!invokeSelf.some((self) => self.statement.sid === grant.statement.sid)) built.role.addToPolicy(grant.statement);
      if (invokeSelf.length > 0) {
        // A policy of its own: in the role's default policy, the function's own ARN would make the
        // function (which depends on its role's policy) depend on itself.
        new iam.Policy(built, "InvokeItself", { roles: [built.role], statements: invokeSelf.map((grant) => grant.statement) });
      }
      acknowledgeWildcards(built.role, grants, [WHY_XRAY]);
      acknowledgeRuntime(built.function);
      if (entry.needs.includes("start-deploy")) built.function.addEnvironment("GANTRY_DEPLOY_STATE_MACHINE_ARN", deploy.stateMachineArn);
      if (entry.needs.includes("webhook-secret")) built.function.addEnvironment("GANTRY_WEBHOOK_SECRET_PARAMETER", secretParameter);
      if (entry.needs.includes("alerts-publish")) built.function.addEnvironment("GANTRY_ALERTS_TOPIC_ARN", this.alerts.topic.topicArn);
      if (entry.needs.includes("slack-signing-secret")) built.function.addEnvironment("GANTRY_SLACK_SIGNING_SECRET_PARAMETER", signingSecretParameter);
      if (entry.needs.some((capability) => capability === "release-check" || capability === "release-pointer"))
        built.function.addEnvironment("GANTRY_RELEASE_BUCKET", this.releases.bucket.bucketName);
    }

    const webhookEntry = catalog.find((entry) => entry.needs.includes("webhook-secret"));
    const webhookUrl = webhookEntry
      ? this.fn(webhookEntry.dir).function.addFunctionUrl({
          // GitHub cannot sign AWS requests: the handler checks X-Hub-Signature-256 (HMAC-SHA256 of the body) instead.
          authType: lambda.FunctionUrlAuthType.NONE,
        })
      : undefined;
    const chatEntry = catalog.find((entry) => entry.needs.includes("slack-signing-secret"));
    const chatUrl = chatEntry
      ? this.fn(chatEntry.dir).function.addFunctionUrl({
          // Slack cannot sign AWS requests: the handler checks X-Slack-Signature (HMAC-SHA256 of v0:timestamp:body) instead.
          authType: lambda.FunctionUrlAuthType.NONE,
        })
      : undefined;

    // A deploy that ended where no Catch saw it (a Stop, the timeout, a platform failure) or whose
    // rollback failed: the function starts a recovery run when it left its rollout unfinished.
    for (const entry of catalog.filter((candidate) => candidate.trigger === "deploy-ended")) {
      new events.Rule(this, `${pascal(entry.dir)}Rule`, {
        description: "gantry deploy executions that ended ABORTED, TIMED_OUT or FAILED: recover the group they may have left unfinished",
        eventPattern: {
          source: ["aws.states"],
          detailType: ["Step Functions Execution Status Change"],
          detail: { status: [...RECOVERABLE_STATUSES], stateMachineArn: [deploy.stateMachineArn] },
        },
        targets: [new targets.LambdaFunction(this.fn(entry.dir).function, { retryAttempts: 8, maxEventAge: Duration.hours(6) })],
      });
    }

    const machines = Object.values(this.stateMachines);
    this.schedulerRole = new SchedulerRole(this, "Scheduler", { stateMachines: machines });
    this.schedules = new Schedules(this, "Schedules", {
      config: props.config,
      stateMachines: this.stateMachines,
      role: this.schedulerRole.role,
      prefix: this.stackName,
    });

    if (webhookUrl) {
      new CfnOutput(this, STACK_OUTPUTS.webhookUrl, { value: webhookUrl.url, description: "Paste into GitHub: Settings → Webhooks → Payload URL" });
      new CfnOutput(this, STACK_OUTPUTS.githubWebhookSettings, {
        value: githubWebhookSettingsLine(webhookUrl.url, secretParameter),
        description: "GitHub → Settings → Webhooks → Add webhook (also: gantry webhook github)",
      });
    }
    if (chatUrl)
      new CfnOutput(this, STACK_OUTPUTS.chatUrl, { value: chatUrl.url, description: "Paste into Slack: the app's Slash Commands → /gantry → Request URL" });
    for (const [machine, stateMachine] of Object.entries(this.stateMachines)) {
      new CfnOutput(this, outputIdFor(machine), { value: stateMachine.stateMachineArn, description: `ARN of the ${machine} state machine` });
    }
    new CfnOutput(this, STACK_OUTPUTS.tableName, { value: this.table.tableName, description: "DynamoDB table: deploy locks and release history" });
    new CfnOutput(this, STACK_OUTPUTS.alertsTopicArn, {
      value: this.alerts.topic.topicArn,
      description: "Subscribe to hear of failed, rolled-back, timed-out and aborted executions",
    });
    new CfnOutput(this, STACK_OUTPUTS.releaseBucketName, {
      value: this.releases.bucket.bucketName,
      description: "S3 bucket of the release store: gantry release create uploads here, instances boot from here",
    });
    new CfnOutput(this, STACK_OUTPUTS.webhookSecretParameter, { value: secretParameter, description: "Put GitHub's webhook secret here as a SecureString" });
    new CfnOutput(this, STACK_OUTPUTS.deployConsoleUrl, {
      value: `https://${this.region}.console.aws.amazon.com/states/home?region=${this.region}#/statemachines/view/${deploy.stateMachineArn}`,
      description: "The deploy executions in the Step Functions console",
    });
    new CfnOutput(this, "SchedulerRoleArn", {
      value: this.schedulerRole.role.roleArn,
      description: "Role EventBridge Scheduler assumes to start gantry's state machines",
    });
  }

  private fn(dir: string): GantryFunction {
    const built = this.functions[dir];
    if (!built) throw new Error(`No function "${dir}" in the catalog.`);
    return built;
  }
}

/** The output naming a machine's ARN: the keys the CLI knows for deploy and power, the same pattern for any other. */
export function outputIdFor(machine: string): string {
  if (machine === "deploy") return STACK_OUTPUTS.deployStateMachineArn;
  if (machine === "power") return STACK_OUTPUTS.powerStateMachineArn;
  return `${pascal(machine)}StateMachineArn`;
}

function pascal(name: string): string {
  return name.replace(/(^|-)([a-z0-9])/g, (_match, _dash: string, letter: string) => letter.toUpperCase());
}
