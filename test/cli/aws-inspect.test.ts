import { DescribeExecutionCommand, ExecutionDoesNotExist, ListExecutionsCommand } from "@aws-sdk/client-sfn";
import { beforeEach, describe, expect, it } from "vitest";
import { historyOnAws, statusOnAws } from "../../cli/aws/inspect.js";
import { UsageError } from "../../cli/output.js";
import {
  DEPLOY_MACHINE,
  GATE_PASSED,
  PLAN,
  ROLLBACK_CAUSE,
  rolledBackHistory,
  captureEachTest,
  deployHistory,
  executionArn,
  runningExecution,
  sfn,
  stackWith,
} from "./aws-fixtures.js";

const flags = { stack: "Gantry", config: "gantry.config.ts" };
const NOW = Date.UTC(2026, 0, 5, 11, 0, 0);

const output = captureEachTest();
beforeEach(() => {
  stackWith();
});

const listed = (name: string, status: "SUCCEEDED" | "FAILED" | "RUNNING", minute: number) => ({
  name,
  executionArn: executionArn(name),
  stateMachineArn: DEPLOY_MACHINE,
  status,
  startDate: new Date(Date.UTC(2026, 0, 5, 10, minute)),
  ...(status === "RUNNING" ? {} : { stopDate: new Date(Date.UTC(2026, 0, 5, 10, minute + 3)) }),
});

function rolledBack(name: string): void {
  const input = { app: "hello", env: "prod", release: { id: "v3" }, trigger: { source: "github", actor: "octocat" } };
  const events = rolledBackHistory(input);
  runningExecution(name, input, events, events.length);
}

describe("gantry status on AWS", () => {
  it("shows the latest execution of the app/env: status, release, state, batch, cause and console link", async () => {
    sfn.on(ListExecutionsCommand).resolves({
      executions: [listed("hello-staging-v9-x", "SUCCEEDED", 50), listed("hello-prod-v3-b", "FAILED", 40), listed("hello-prod-v2-a", "SUCCEEDED", 30)],
    });
    rolledBack("hello-prod-v3-b");

    const summary = await statusOnAws(undefined, { ...flags, app: "hello", env: "prod" }, NOW);

    expect(summary).toMatchObject({
      name: "hello-prod-v3-b",
      status: "FAILED",
      release: "v3",
      currentState: "Deploy rolled back",
      error: "DeployRolledBack",
      cause: ROLLBACK_CAUSE,
      batch: { of: 2 },
    });
    expect(output.stdout()).toContain("hello-prod-v3-b  FAILED  v3  Deploy rolled back");
    expect(output.stdout()).toContain(
      `https://eu-west-1.console.aws.amazon.com/states/home?region=eu-west-1#/v2/executions/details/${executionArn("hello-prod-v3-b")}`,
    );
    expect(sfn).toHaveReceivedCommandWith(DescribeExecutionCommand, { executionArn: executionArn("hello-prod-v3-b") });
  });

  it("shows an execution named on the command line, on the stack's deploy state machine", async () => {
    rolledBack("hello-prod-v3-b");

    await statusOnAws("hello-prod-v3-b", { ...flags, json: true }, NOW);

    expect(output.lastJson()).toMatchObject({ name: "hello-prod-v3-b", status: "FAILED", executionArn: executionArn("hello-prod-v3-b") });
    expect(sfn).not.toHaveReceivedCommand(ListExecutionsCommand);
  });

  it("rejects a call with neither an execution nor --app and --env", async () => {
    await expect(statusOnAws(undefined, flags, NOW)).rejects.toThrow(UsageError);
  });

  it("rejects an execution name that matches nothing, saying how to list them", async () => {
    sfn.on(DescribeExecutionCommand).rejects(new ExecutionDoesNotExist({ message: "Execution Does Not Exist", $metadata: {} }));

    const failure = statusOnAws("hello-prod-nope", flags, NOW);

    await expect(failure).rejects.toThrow(UsageError);
    await expect(failure).rejects.toThrow(`No execution named "hello-prod-nope" on ${DEPLOY_MACHINE}; list them with: gantry history --app <app> --env <env>`);
  });
});

describe("gantry history on AWS", () => {
  it("lists the app/env's executions newest first across pages, with release, trigger, times and console links", async () => {
    sfn
      .on(ListExecutionsCommand, { nextToken: undefined })
      .resolves({ executions: [listed("hello-prod-v4-c", "RUNNING", 50), listed("hello-staging-v9-x", "SUCCEEDED", 45)], nextToken: "more" })
      .on(ListExecutionsCommand, { nextToken: "more" })
      .resolves({ executions: [listed("hello-prod-v3-b", "FAILED", 40)] });
    const running = { app: "hello", env: "prod", release: { id: "v4" }, trigger: { source: "cli", actor: "ada" } };
    runningExecution("hello-prod-v4-c", running, deployHistory(running, [{ state: "Plan rollout", type: "Task", output: PLAN }], { output: GATE_PASSED }), 2);
    rolledBack("hello-prod-v3-b");

    const executions = await historyOnAws(undefined, { ...flags, app: "hello", env: "prod", json: true }, NOW);

    expect(executions).toEqual(output.lastJson());
    expect(output.lastJson()).toEqual([
      expect.objectContaining({ name: "hello-prod-v4-c", status: "RUNNING", release: "v4", trigger: "cli by ada", startedAt: "2026-01-05T10:50:00.000Z" }),
      expect.objectContaining({
        name: "hello-prod-v3-b",
        status: "FAILED",
        release: "v3",
        trigger: "github by octocat",
        stoppedAt: "2026-01-05T10:43:00.000Z",
        cause: ROLLBACK_CAUSE,
        consoleUrl: expect.stringContaining(executionArn("hello-prod-v3-b")),
      }),
    ]);
  });

  it("shows every state of one execution, as history --local does", async () => {
    rolledBack("hello-prod-v3-b");

    await historyOnAws("hello-prod-v3-b", flags, NOW);

    expect(output.stdout()).toMatch(/\+\d+ s\s+Check new instances \(\d+ s\) ✗ HealthGateFailedError/);
    expect(output.stdout()).toContain("batch 1 of 2: rolled back; desired 4, 4 on v2 in service, 4 serving");
  });
});
