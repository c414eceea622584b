import { DescribeStacksCommand } from "@aws-sdk/client-cloudformation";
import { DescribeExecutionCommand, ExecutionDoesNotExist, StartExecutionCommand } from "@aws-sdk/client-sfn";
import { DeleteCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { beforeEach, describe, expect, it } from "vitest";
import { recoverOnAws } from "../../cli/aws/recover.js";
import { describeFailure } from "../../cli/failure.js";
import { UsageError } from "../../cli/output.js";
import { DEPLOY_MACHINE, TABLE, captureEachTest, cloudFormation, executionArn, sfn, stackTable, stackWith } from "./aws-fixtures.js";

const flags = { stack: "Gantry", config: "gantry.config.ts" };
const NOW = Date.UTC(2026, 0, 6, 9, 0, 0);
const follow = { now: () => NOW, wait: async () => undefined };
const DEAD = "hello-prod-v7-mjz1a2b3";
const RECOVERY = `recover-${DEAD}-${NOW.toString(36)}`;
// What gantry.config.ts configures for hello/prod: what the recovery run is started with.
const CONFIGURED_GROUP = {
  autoScalingGroupName: "hello-prod",
  targetGroupArns: ["arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/hello-prod-1/0000000000000001"],
};

// The stack's table is a real DynamoDB (dynalite) the CLI reaches through the SDK's endpoint variable.
const table = stackTable();

const output = captureEachTest({ USER: "ana" });
beforeEach(async () => {
  stackWith();
  await table().documents.send(new DeleteCommand({ TableName: TABLE, Key: { pk: "hello#prod", sk: "rollout" } }));
});

/** The item "Prepare group" of execution DEAD left in the stack's table: its rollout of v7 to hello/prod, mid-batch. */
async function leftUnfinished(): Promise<void> {
  await table().documents.send(
    new PutCommand({
      TableName: TABLE,
      Item: {
        pk: "hello#prod",
        sk: "rollout",
        execution: DEAD,
        release: "b7d2e4f01c68",
        label: "v7",
        group: CONFIGURED_GROUP,
        plan: { release: "b7d2e4f01c68", previousRelease: "a1f3c9e07b24", batchSizes: [1, 1, 2], batchCount: 3, startedAt: NOW - 3_600_000 },
        stage: "rollout",
        since: NOW - 3_600_000,
      },
    }),
  );
}

function described(status: "RUNNING" | "ABORTED"): void {
  sfn.on(DescribeExecutionCommand, { executionArn: executionArn(DEAD) }).resolves({
    executionArn: executionArn(DEAD),
    stateMachineArn: DEPLOY_MACHINE,
    name: DEAD,
    status,
    startDate: new Date(NOW - 3_600_000),
    ...(status === "RUNNING" ? {} : { stopDate: new Date(NOW - 1_800_000) }),
  });
}

/** The input of the one StartExecution the command sent. */
function startedInput(): Record<string, unknown> {
  const sent = sfn.commandCalls(StartExecutionCommand);
  expect(sent).toHaveLength(1);
  return JSON.parse(sent[0]?.args[0].input.input ?? "{}") as Record<string, unknown>;
}

describe("gantry recover on AWS", () => {
  it("says there is nothing to recover and exits 0 when no rollout of the app/env is recorded as unfinished", async () => {
    const code = await recoverOnAws("hello", "prod", flags, follow);

    expect(code).toBe(0);
    expect(output.stdout()).toBe("Nothing to recover: no rollout of hello/prod is recorded as unfinished.\n");
    expect(cloudFormation).toHaveReceivedCommandWith(DescribeStacksCommand, { StackName: "Gantry" });
    expect(sfn).not.toHaveReceivedCommand(DescribeExecutionCommand);
    expect(sfn).not.toHaveReceivedCommand(StartExecutionCommand);
  });

  it("with --json says so as JSON on the last line", async () => {
    const code = await recoverOnAws("hello", "prod", { ...flags, json: true }, follow);

    expect(code).toBe(0);
    expect(output.lastJson()).toEqual({ app: "hello", env: "prod", recovering: false });
    expect(sfn).not.toHaveReceivedCommand(StartExecutionCommand);
  });

  it("starts a recovery run on the deploy machine for an ABORTED execution's rollout, and with --no-wait exits 0 once started", async () => {
    await leftUnfinished();
    described("ABORTED");
    sfn.on(StartExecutionCommand).resolves({ executionArn: executionArn(RECOVERY), startDate: new Date(NOW) });

    const code = await recoverOnAws("hello", "prod", { ...flags, wait: false }, follow);

    expect(code).toBe(0);
    expect(sfn).toHaveReceivedCommandWith(DescribeExecutionCommand, { executionArn: executionArn(DEAD) });
    const sent = sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input;
    expect(sent?.stateMachineArn).toBe(DEPLOY_MACHINE);
    expect(sent?.name).toBe(RECOVERY);
    expect(sent?.name?.startsWith(`recover-${DEAD}-`)).toBe(true);
    const input = startedInput();
    expect(input).toMatchObject({
      app: "hello",
      env: "prod",
      mode: "recover",
      recover: { execution: DEAD, status: "ABORTED" },
      group: CONFIGURED_GROUP,
      strategy: expect.objectContaining({ batches: [1, "25%", "100%"], minHealthyPercent: 100, bakeSeconds: 60 }),
      gates: { http: expect.objectContaining({ port: 8080, healthPath: "/health", versionPath: "/version" }), alarms: [] },
      trigger: { source: "cli", actor: "ana" },
    });
    expect(input.recover).toEqual({ execution: DEAD, status: "ABORTED" });
    // A recovery rolls out nothing of its own.
    expect(input).not.toHaveProperty("release");
    expect(output.stdout()).toContain(`${RECOVERY} started`);
    expect(output.stdout()).toContain(`execution  ${executionArn(RECOVERY)}`);
    // --no-wait: nothing is followed.
    expect(sfn).not.toHaveReceivedCommandWith(DescribeExecutionCommand, { executionArn: executionArn(RECOVERY) });
  });

  it("with --no-wait --json prints the started run as JSON on the last line, the lines on stderr", async () => {
    await leftUnfinished();
    described("ABORTED");
    sfn.on(StartExecutionCommand).resolves({ executionArn: executionArn(RECOVERY), startDate: new Date(NOW) });

    const code = await recoverOnAws("hello", "prod", { ...flags, wait: false, json: true }, follow);

    expect(code).toBe(0);
    expect(output.lastJson()).toMatchObject({ executionName: RECOVERY, executionArn: executionArn(RECOVERY) });
    expect(output.stderr()).toContain(`${RECOVERY} started`);
    expect(startedInput()).toMatchObject({ mode: "recover", recover: { execution: DEAD, status: "ABORTED" } });
  });

  it("recovers a rollout whose execution Step Functions no longer knows as FAILED", async () => {
    await leftUnfinished();
    sfn
      .on(DescribeExecutionCommand, { executionArn: executionArn(DEAD) })
      .rejects(new ExecutionDoesNotExist({ message: `Execution Does Not Exist: '${executionArn(DEAD)}'`, $metadata: { httpStatusCode: 400 } }));
    sfn.on(StartExecutionCommand).resolves({ executionArn: executionArn(RECOVERY), startDate: new Date(NOW) });

    const code = await recoverOnAws("hello", "prod", { ...flags, wait: false }, follow);

    expect(code).toBe(0);
    expect(startedInput()).toMatchObject({ mode: "recover", recover: { execution: DEAD, status: "FAILED", error: "ExecutionDoesNotExist" } });
  });

  it("refuses with exit 2 while the execution that ran the rollout is still RUNNING, naming gantry abort, and starts nothing", async () => {
    await leftUnfinished();
    described("RUNNING");

    const error = await recoverOnAws("hello", "prod", flags, follow).then(
      () => undefined,
      (rejected: unknown) => rejected,
    );

    expect(error).toBeInstanceOf(UsageError);
    // What the CLI writes to stderr for it, and its exit code.
    const failure = describeFailure(error);
    expect(failure.exitCode).toBe(2);
    expect(failure.unexpected).toBe(false);
    expect(failure.message).toContain(`${DEAD} is still running`);
    expect(failure.message).toContain(`gantry abort ${DEAD}`);
    expect(sfn).not.toHaveReceivedCommand(StartExecutionCommand);
  });
});
