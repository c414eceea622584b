import { DescribeStacksCommand, CloudFormationServiceException } from "@aws-sdk/client-cloudformation";
import { ExecutionAlreadyExists, StartExecutionCommand } from "@aws-sdk/client-sfn";
import { describe, expect, it } from "vitest";
import { deployOnAws, type AwsDeployOptions } from "../../cli/aws/deploy.js";
import { InvalidConfigError, StackNotFoundError, StackOutputMissingError } from "../../functions/core/errors.js";
import {
  DEPLOY_MACHINE,
  GATE_PASSED,
  PLAN,
  ROLLBACK_CAUSE,
  rolledBackHistory,
  captureEachTest,
  cloudFormation,
  deployHistory,
  executionArn,
  runningExecution,
  sfn,
  stackWith,
} from "./aws-fixtures.js";

const NOW = Date.UTC(2026, 0, 5, 10, 0, 0);
const NAME = `hello-prod-v2-${NOW.toString(36)}`;
const options = (extra: Partial<AwsDeployOptions> = {}): AwsDeployOptions => ({
  app: "hello",
  env: "prod",
  stack: "Gantry",
  config: "gantry.config.ts",
  ...extra,
});
const follow = { now: () => NOW, wait: async () => undefined };

const output = captureEachTest({ USER: "ada" });

describe("gantry deploy on AWS", () => {
  it("starts the stack's deploy state machine with the configuration's input and prints name, ARN and console link", async () => {
    stackWith();
    sfn.on(StartExecutionCommand).resolves({ executionArn: executionArn(NAME), startDate: new Date(NOW) });

    const code = await deployOnAws("v2", options(), follow);

    expect(code).toBe(0);
    expect(cloudFormation).toHaveReceivedCommandWith(DescribeStacksCommand, { StackName: "Gantry" });
    const sent = sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input;
    expect(sent).toMatchObject({ stateMachineArn: DEPLOY_MACHINE, name: NAME });
    expect(JSON.parse(sent?.input ?? "")).toEqual({
      app: "hello",
      env: "prod",
      release: { id: "v2" },
      group: {
        autoScalingGroupName: "hello-prod",
        targetGroupArns: ["arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/hello-prod-1/0000000000000001"],
      },
      strategy: expect.objectContaining({ batches: [1, "25%", "100%"], minHealthyPercent: 100, bakeSeconds: 60 }),
      gates: { http: expect.objectContaining({ port: 8080, healthPath: "/health", versionPath: "/version" }), alarms: [] },
      trigger: { source: "cli", actor: "ada", receivedAt: NOW },
    });
    expect(output.stdout()).toContain(`${NAME} started`);
    expect(output.stdout()).toContain(`execution  ${executionArn(NAME)}`);
    expect(output.stdout()).toContain(
      `console    https://eu-west-1.console.aws.amazon.com/states/home?region=eu-west-1#/v2/executions/details/${executionArn(NAME)}`,
    );
  });

  it("reports an execution whose name is taken as already started, and prints it as JSON on the last line", async () => {
    stackWith();
    sfn.on(StartExecutionCommand).rejects(new ExecutionAlreadyExists({ message: "Execution Already Exists", $metadata: { httpStatusCode: 400 } }));

    const code = await deployOnAws("v2", options({ json: true }), follow);

    expect(code).toBe(0);
    expect(output.lastJson()).toMatchObject({ executionName: NAME, executionArn: executionArn(NAME), alreadyStarted: true });
    expect(output.stderr()).toContain("was already started");
  });

  it("with --wait follows the execution to success: progress on stderr, the summary as JSON on the last line", async () => {
    stackWith();
    sfn.on(StartExecutionCommand).resolves({ executionArn: executionArn(NAME) });
    const input = { app: "hello", env: "prod", release: { id: "v2" } };
    const events = deployHistory(
      input,
      [
        { state: "Take the deploy lock", type: "Task" },
        { state: "Plan rollout", type: "Task", output: PLAN, failures: ["AwsThrottledError"] },
        { state: "Check new instances", type: "Task", output: GATE_PASSED },
        { state: "Deployed", type: "Succeed", output: GATE_PASSED },
      ],
      { output: GATE_PASSED },
    );
    runningExecution(NAME, input, events, 6);

    const code = await deployOnAws("v2", options({ wait: true, json: true }), follow);

    expect(code).toBe(0);
    expect(output.stderr()).toContain("→ Take the deploy lock");
    expect(output.stderr()).toContain('↻ retrying "Plan rollout" (attempt 2)');
    expect(output.stderr()).toContain("before batch 1: 4 to replace in 2 batch(es) [2, 2]");
    expect(output.stderr()).toContain("→ Deployed");
    expect(output.lastJson()).toMatchObject({
      name: NAME,
      status: "SUCCEEDED",
      release: "v2",
      currentState: "Deployed",
      batch: { current: 1, of: 2 },
      executionArn: executionArn(NAME),
      historyEvents: events.length,
    });
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(1);
  });

  it("with --wait exits 1 on a rolled-back deploy and prints its cause", async () => {
    stackWith();
    sfn.on(StartExecutionCommand).resolves({ executionArn: executionArn(NAME) });
    const input = { app: "hello", env: "prod", release: { id: "v3" } };
    const events = rolledBackHistory(input);
    runningExecution(NAME, input, events, 4);

    const code = await deployOnAws("v2", options({ wait: true }), follow);

    expect(code).toBe(1);
    expect(output.stderr()).toContain('✗ "Check new instances" failed with HealthGateFailedError');
    expect(output.stderr()).toContain("→ Deploy rolled back");
    expect(output.stdout()).toContain("FAILED");
    expect(output.stdout()).toContain(`DeployRolledBack: ${ROLLBACK_CAUSE}`);
  });

  it("with --dry-run asks the state machine for the plan and waits for it", async () => {
    stackWith();
    sfn.on(StartExecutionCommand).resolves({ executionArn: executionArn(NAME) });
    const input = { app: "hello", env: "prod", release: { id: "v2" }, dryRun: true };
    runningExecution(
      NAME,
      input,
      deployHistory(
        input,
        [
          { state: "Plan rollout", type: "Task", output: PLAN },
          { state: "Dry run", type: "Succeed", output: PLAN },
        ],
        { output: PLAN },
      ),
      100,
    );

    const code = await deployOnAws("v2", options({ dryRun: true }), follow);

    expect(code).toBe(0);
    expect(JSON.parse(sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input.input ?? "")).toMatchObject({ dryRun: true });
    expect(output.stderr()).toContain("4 to replace in 2 batch(es) [2, 2]");
  });

  it("with --ignore-window starts the deploy with ignoreWindow set, so it passes a closed window", async () => {
    stackWith();
    sfn.on(StartExecutionCommand).resolves({ executionArn: executionArn(NAME), startDate: new Date(NOW) });

    const code = await deployOnAws("v2", options({ ignoreWindow: true }), follow);

    expect(code).toBe(0);
    expect(JSON.parse(sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input.input ?? "")).toMatchObject({
      ignoreWindow: true,
      trigger: { source: "cli", actor: "ada" },
    });
  });

  it("fails with StackNotFoundError when the stack is not deployed, starting nothing", async () => {
    cloudFormation.on(DescribeStacksCommand).rejects(
      new CloudFormationServiceException({
        name: "ValidationError",
        $fault: "client",
        message: "Stack with id Gantry does not exist",
        $metadata: { httpStatusCode: 400 },
      }),
    );

    await expect(deployOnAws("v2", options(), follow)).rejects.toThrow(StackNotFoundError);
    expect(sfn).not.toHaveReceivedCommand(StartExecutionCommand);
  });

  it("fails with StackOutputMissingError when the stack has no deploy state machine output", async () => {
    stackWith({ TableName: "t" });

    await expect(deployOnAws("v2", options(), follow)).rejects.toThrow(/has no output DeployStateMachineArn/);
    await expect(deployOnAws("v2", options(), follow)).rejects.toBeInstanceOf(StackOutputMissingError);
  });

  it("rejects an app/env the configuration does not have, listing the configured ones, before calling AWS", async () => {
    await expect(deployOnAws("v2", options({ env: "qa" }), follow)).rejects.toThrow(InvalidConfigError);
    await expect(deployOnAws("v2", options({ env: "qa" }), follow)).rejects.toThrow("configured: hello/prod, hello/staging");
    expect(cloudFormation).not.toHaveReceivedCommand(DescribeStacksCommand);
  });

  it("rejects a release id a deploy input cannot carry, before calling AWS", async () => {
    await expect(deployOnAws("v2 beta", options(), follow)).rejects.toThrow(/release\.id/);
    expect(cloudFormation).not.toHaveReceivedCommand(DescribeStacksCommand);
  });
});
