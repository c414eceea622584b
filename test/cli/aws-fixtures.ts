import { CloudFormationClient, DescribeStacksCommand } from "@aws-sdk/client-cloudformation";
import { DescribeExecutionCommand, GetExecutionHistoryCommand, SFNClient, type HistoryEvent } from "@aws-sdk/client-sfn";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, afterEach, beforeAll, beforeEach, vi } from "vitest";
import { startLocalDynamo, type LocalDynamo } from "../../local/dynamo/index.js";

export const REGION = "eu-west-1";
export const DEPLOY_MACHINE = `arn:aws:states:${REGION}:123456789012:stateMachine:GantryDeployStateMachine1A2B3C`;
export const TABLE = "Gantry-GantryTable1A2B3C";
export const executionArn = (name: string) => `${DEPLOY_MACHINE.replace(":stateMachine:", ":execution:")}:${name}`;

export const cloudFormation = mockClient(CloudFormationClient);
export const sfn = mockClient(SFNClient);

/** The deployed stack, answering DescribeStacks with gantry's outputs (or some of them). */
export function stackWith(outputs: Record<string, string> = { DeployStateMachineArn: DEPLOY_MACHINE, TableName: TABLE }): void {
  cloudFormation.on(DescribeStacksCommand).resolves({
    Stacks: [
      {
        StackName: "Gantry",
        StackStatus: "UPDATE_COMPLETE",
        CreationTime: new Date("2026-01-05T10:00:00Z"),
        Outputs: Object.entries(outputs).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })),
      },
    ],
  });
}

/**
 * For a test file: the stack's table as a real DynamoDB (dynalite) under its name, which the CLI
 * reaches through the SDK's own endpoint variable, with local credentials; all put back after.
 * Returns the table, once the file's tests run.
 */
export function stackTable(): () => LocalDynamo {
  let dynamo: LocalDynamo | undefined;
  const saved = ["AWS_ENDPOINT_URL_DYNAMODB", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"].map((name) => [name, process.env[name]] as const);
  beforeAll(async () => {
    dynamo = await startLocalDynamo({ tableName: TABLE });
    process.env.AWS_ENDPOINT_URL_DYNAMODB = dynamo.endpoint;
    process.env.AWS_ACCESS_KEY_ID = "local";
    process.env.AWS_SECRET_ACCESS_KEY = "local";
  });
  afterAll(async () => {
    await dynamo?.close();
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });
  return () => {
    if (!dynamo) throw new Error("The stack's table starts in beforeAll: use it inside a test.");
    return dynamo;
  };
}

/**
 * For a test file: each test starts with `env` stubbed and the command's output captured, and
 * ends with every mock, stub and scripted AWS answer reset. Returns that output, per test.
 */
export function captureEachTest(env: Record<string, string> = {}): ReturnType<typeof captureOutput> {
  let current: ReturnType<typeof captureOutput> | undefined;
  beforeEach(() => {
    for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
    current = captureOutput();
  });
  afterEach(() => {
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
    sfn.reset();
    cloudFormation.reset();
  });
  const now = () => current ?? captureOutput();
  return { stdout: () => now().stdout(), stderr: () => now().stderr(), lastJson: <T>() => now().lastJson<T>() };
}

/** What a command wrote to stdout and stderr. */
export function captureOutput() {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(process.stdout, "write").mockImplementation((chunk) => out.push(String(chunk)) > 0);
  vi.spyOn(process.stderr, "write").mockImplementation((chunk) => err.push(String(chunk)) > 0);
  return {
    stdout: () => out.join(""),
    stderr: () => err.join(""),
    lastJson: <T>() => JSON.parse(out.join("").trim().split("\n").at(-1) ?? "") as T,
  };
}

const T0 = Date.UTC(2026, 0, 5, 10, 0, 0);

/** A state; a Task's `failures` are retried, a `caught` error ends its last attempt and a Catch takes it. */
type Step = { state: string; type: "Pass" | "Choice" | "Task" | "Succeed" | "Fail"; output?: unknown; failures?: string[]; caught?: string };

/** A deploy execution's history as Step Functions writes it for Lambda tasks, one event per second. */
export function deployHistory(input: unknown, steps: Step[], end: { error?: string; cause?: string; output?: unknown }): HistoryEvent[] {
  const events: HistoryEvent[] = [];
  const add = (type: HistoryEvent["type"], details: Partial<HistoryEvent> = {}) => {
    const id = events.length + 1;
    events.push({ id, previousEventId: id - 1, type, timestamp: new Date(T0 + id * 1000), ...details });
  };
  add("ExecutionStarted", { executionStartedEventDetails: { input: JSON.stringify(input), roleArn: "arn:aws:iam::123456789012:role/GantryDeployRole" } });
  for (const step of steps) {
    add(`${step.type}StateEntered`, { stateEnteredEventDetails: { name: step.state, input: "{}" } });
    if (step.type === "Task") {
      for (const error of [...(step.failures ?? []), ...(step.caught ? [step.caught] : [])]) {
        add("LambdaFunctionScheduled", { lambdaFunctionScheduledEventDetails: { resource: "arn:aws:lambda:eu-west-1:123456789012:function:step" } });
        add("LambdaFunctionStarted");
        add("LambdaFunctionFailed", { lambdaFunctionFailedEventDetails: { error, cause: `{"errorType":"${error}"}` } });
      }
      if (!step.caught)
        add("LambdaFunctionScheduled", { lambdaFunctionScheduledEventDetails: { resource: "arn:aws:lambda:eu-west-1:123456789012:function:step" } });
      if (!step.caught) add("LambdaFunctionStarted");
      if (!step.caught) add("LambdaFunctionSucceeded", { lambdaFunctionSucceededEventDetails: { output: "{}" } });
    }
    if (step.type !== "Fail") add(`${step.type}StateExited`, { stateExitedEventDetails: { name: step.state, output: JSON.stringify(step.output ?? {}) } });
  }
  if (end.error) add("ExecutionFailed", { executionFailedEventDetails: { error: end.error, cause: end.cause } });
  else add("ExecutionSucceeded", { executionSucceededEventDetails: { output: JSON.stringify(end.output ?? {}) } });
  return events;
}

/**
 * An execution that runs while it is polled: each DescribeExecution reveals `perPoll` more
 * history events, and GetExecutionHistory answers newest first, as Step Functions does.
 */
export function runningExecution(name: string, input: unknown, events: HistoryEvent[], perPoll: number): void {
  let written = 0;
  const last = events.at(-1);
  const failed = last?.executionFailedEventDetails;
  sfn.on(DescribeExecutionCommand, { executionArn: executionArn(name) }).callsFake(() => {
    written = Math.min(events.length, written + perPoll);
    const done = written === events.length;
    return {
      executionArn: executionArn(name),
      stateMachineArn: DEPLOY_MACHINE,
      name,
      status: !done ? "RUNNING" : failed ? "FAILED" : "SUCCEEDED",
      startDate: new Date(T0),
      ...(done ? { stopDate: last?.timestamp } : {}),
      input: JSON.stringify(input),
      ...(done && failed ? { error: failed.error, cause: failed.cause } : {}),
    };
  });
  sfn.on(GetExecutionHistoryCommand, { executionArn: executionArn(name) }).callsFake(() => ({ events: events.slice(0, written).reverse() }));
}

export const PLAN = { plan: { batchCount: 2, summary: "before batch 1: 4 to replace in 2 batch(es) [2, 2]; desired 4, 4 on v1 in service, 4 serving" } };
export const GATE_PASSED = {
  ...PLAN,
  progress: { batch: 0, summary: "batch 1 of 2: new instances healthy, gate passed; desired 6, 2 on v2 (2 healthy), 4 on v1 in service, 6 serving" },
};
export const ROLLED_BACK = {
  ...PLAN,
  progress: { batch: 0, summary: "batch 1 of 2: gate failed: instance i-0000000000000000d is unhealthy in target group hello-prod-1" },
  rollback: { summary: "batch 1 of 2: rolled back; desired 4, 4 on v2 in service, 4 serving" },
};
export const ROLLBACK_CAUSE =
  "Deploy of v3 to hello/prod failed in batch 1 of 2 and was rolled back to v2. HealthGateFailedError: Batch 1 of 2: instance i-0000000000000000d is unhealthy in target group hello-prod-1 (Target.ResponseCodeMismatch).";

/** The history of a deploy whose first batch failed its health gate and was rolled back. */
export function rolledBackHistory(input: unknown): HistoryEvent[] {
  return deployHistory(
    input,
    [
      { state: "Plan rollout", type: "Task", output: PLAN },
      { state: "Check new instances", type: "Task", caught: "HealthGateFailedError" },
      { state: "Roll back", type: "Task", output: ROLLED_BACK },
      { state: "Deploy rolled back", type: "Fail" },
    ],
    { error: "DeployRolledBack", cause: ROLLBACK_CAUSE },
  );
}
