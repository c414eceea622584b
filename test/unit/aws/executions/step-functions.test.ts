import {
  ExecutionAlreadyExists,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  SFNClient,
  StartExecutionCommand,
  type HistoryEvent,
} from "@aws-sdk/client-sfn";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import { createRuntime } from "../../../../functions/aws/runtime.js";
import { historySince, listExecutions, startExecution } from "../../../../functions/aws/executions/step-functions.js";
import { executionsOf } from "../../../../functions/core/executions/execution-filter.js";

const sfn = mockClient(SFNClient);
afterEach(() => sfn.reset());

const MACHINE = "arn:aws:states:eu-west-1:123456789012:stateMachine:GantryDeploy";
const arnOf = (name: string) => `arn:aws:states:eu-west-1:123456789012:execution:GantryDeploy:${name}`;
const client = () => createRuntime({ settings: { region: "eu-west-1" } }).client(SFNClient);

describe("startExecution", () => {
  it("starts the named execution with the input as JSON and links its console page", async () => {
    sfn.on(StartExecutionCommand).resolves({ executionArn: arnOf("hello-prod-v2-abc"), startDate: new Date() });

    const started = await startExecution(client(), { stateMachineArn: MACHINE, name: "hello-prod-v2-abc", input: { app: "hello" } });

    expect(sfn).toHaveReceivedCommandWith(StartExecutionCommand, { stateMachineArn: MACHINE, name: "hello-prod-v2-abc", input: '{"app":"hello"}' });
    expect(started).toEqual({
      executionName: "hello-prod-v2-abc",
      executionArn: arnOf("hello-prod-v2-abc"),
      consoleUrl: `https://eu-west-1.console.aws.amazon.com/states/home?region=eu-west-1#/v2/executions/details/${arnOf("hello-prod-v2-abc")}`,
      alreadyStarted: false,
    });
  });

  it("answers already started, with the derived ARN, when the name is taken", async () => {
    sfn
      .on(StartExecutionCommand)
      .rejects(new ExecutionAlreadyExists({ message: `Execution Already Exists: '${arnOf("hello-prod-v2-abc")}'`, $metadata: { httpStatusCode: 400 } }));

    const started = await startExecution(client(), { stateMachineArn: MACHINE, name: "hello-prod-v2-abc", input: {} });

    expect(started).toMatchObject({ executionArn: arnOf("hello-prod-v2-abc"), alreadyStarted: true });
  });
});

function event(id: number, type: HistoryEvent["type"]): HistoryEvent {
  return { id, type, timestamp: new Date(1_767_000_000_000 + id * 1000), previousEventId: id - 1 };
}

describe("historySince", () => {
  it("reads newest first across pages and returns only the unseen events, oldest first", async () => {
    const arn = arnOf("hello-prod-v2-abc");
    sfn
      .on(GetExecutionHistoryCommand, { executionArn: arn, reverseOrder: true, nextToken: undefined })
      .resolves({ events: [event(9, "TaskStateEntered"), event(8, "PassStateExited")], nextToken: "page-2" })
      .on(GetExecutionHistoryCommand, { executionArn: arn, reverseOrder: true, nextToken: "page-2" })
      .resolves({ events: [event(7, "PassStateEntered"), event(6, "TaskStateExited")], nextToken: "page-3" });

    const fresh = await historySince(client(), arn, 6);

    expect(fresh.map((item) => item.id)).toEqual([7, 8, 9]);
    expect(sfn).toHaveReceivedCommandTimes(GetExecutionHistoryCommand, 2);
  });

  it("reads the whole history when nothing was seen", async () => {
    sfn.on(GetExecutionHistoryCommand).resolves({ events: [event(2, "PassStateEntered"), event(1, "ExecutionStarted")] });

    expect((await historySince(client(), arnOf("x"))).map((item) => item.id)).toEqual([1, 2]);
  });
});

describe("listExecutions", () => {
  const item = (name: string, minute: number) => ({
    name,
    executionArn: arnOf(name),
    stateMachineArn: MACHINE,
    status: "SUCCEEDED" as const,
    startDate: new Date(Date.UTC(2026, 0, 5, 10, minute)),
  });

  it("pages until enough executions of the app/env are found, skipping other app/envs that share the prefix", async () => {
    sfn
      .on(ListExecutionsCommand, { stateMachineArn: MACHINE, nextToken: undefined })
      .resolves({ executions: [item("hello-prod-eu-v9-a1", 59), item("hello-staging-v8-a2", 58), item("hello-prod-v7-a3", 57)], nextToken: "t2" })
      .on(ListExecutionsCommand, { stateMachineArn: MACHINE, nextToken: "t2" })
      .resolves({ executions: [item("other-prod-v1-a4", 56), item("hello-prod-v6-a5", 55), item("hello-prod-v5-a6", 54)], nextToken: "t3" });
    const belongs = executionsOf("hello", "prod", [
      { app: "hello", env: "prod" },
      { app: "hello", env: "prod-eu" },
      { app: "hello", env: "staging" },
    ]);

    const found = await listExecutions(client(), MACHINE, { belongs, limit: 2 });

    expect(found.map((execution) => execution.name)).toEqual(["hello-prod-v7-a3", "hello-prod-v6-a5"]);
    expect(sfn).toHaveReceivedCommandTimes(ListExecutionsCommand, 2);
  });

  it("stops at the end of the list with fewer than asked for", async () => {
    sfn.on(ListExecutionsCommand).resolves({ executions: [item("hello-prod-v7-a3", 57)] });

    const found = await listExecutions(client(), MACHINE, { belongs: executionsOf("hello", "prod"), limit: 20 });

    expect(found.map((execution) => execution.name)).toEqual(["hello-prod-v7-a3"]);
  });
});
