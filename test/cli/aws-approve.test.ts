import { DescribeExecutionCommand, SendTaskFailureCommand, SendTaskSuccessCommand } from "@aws-sdk/client-sfn";
import { beforeEach, describe, expect, it } from "vitest";
import { abortOnAws } from "../../cli/aws/abort.js";
import { answerOnAws } from "../../cli/aws/approve.js";
import { UsageError } from "../../cli/output.js";
import { savePendingApproval } from "../../functions/aws/operator/approvals.js";
import { provideRuntime } from "../../functions/aws/runtime.js";
import { approvalCheckpoint } from "../../functions/core/rollout/approvals.js";
import { createLocalRuntime } from "../../local/runtime.js";
import { DEPLOY_MACHINE, TABLE, captureEachTest, executionArn, sfn, stackTable, stackWith } from "./aws-fixtures.js";

const flags = { stack: "Gantry", config: "gantry.config.ts" };
const NOW = Date.UTC(2026, 0, 6, 9, 0, 0);
const input = JSON.stringify({ app: "hello", env: "prod", release: { id: "v3" } });

stackTable();

const output = captureEachTest({ USER: "ana" });
beforeEach(() => stackWith());

function running(name: string): void {
  sfn
    .on(DescribeExecutionCommand, { executionArn: executionArn(name) })
    .resolves({ executionArn: executionArn(name), stateMachineArn: DEPLOY_MACHINE, name, status: "RUNNING", input, startDate: new Date(NOW - 60_000) });
}

/** The checkpoint "Wait for approval" keeps, written as the step writes it. */
async function waiting(name: string): Promise<void> {
  provideRuntime(createLocalRuntime({ tableName: TABLE }));
  await savePendingApproval("hello", "prod", {
    execution: name,
    taskToken: `token-of-${name}`,
    checkpoint: approvalCheckpoint(0, 4, "24h", NOW - 600_000),
    release: "v3",
    label: "v7",
  });
}

describe("gantry approve and gantry reject on AWS", () => {
  it("approve answers the checkpoint's task token with who approved it", async () => {
    running("hello-prod-v3-a");
    await waiting("hello-prod-v3-a");
    sfn.on(SendTaskSuccessCommand).resolves({});

    await answerOnAws("approve", "hello-prod-v3-a", flags, NOW);

    const sent = sfn.commandCalls(SendTaskSuccessCommand);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.args[0].input.taskToken).toBe("token-of-hello-prod-v3-a");
    expect(JSON.parse(sent[0]?.args[0].input.output ?? "{}")).toEqual({ approved: true, by: "ana", at: NOW, batch: 1 });
    expect(output.stdout()).toBe("Approved hello-prod-v3-a (hello/prod) after batch 1 of 4 as ana: it goes on to its next batch.\n");
  });

  it("reject fails the task with ApprovalRejectedError and the reason, which the rollback's cause carries", async () => {
    running("hello-prod-v3-b");
    await waiting("hello-prod-v3-b");
    sfn.on(SendTaskFailureCommand).resolves({});

    await answerOnAws("reject", "hello-prod-v3-b", { ...flags, reason: "5xx up", json: true }, NOW);

    const sent = sfn.commandCalls(SendTaskFailureCommand)[0]?.args[0].input;
    expect(sent).toEqual({
      taskToken: "token-of-hello-prod-v3-b",
      error: "ApprovalRejectedError",
      cause: `Rejected by ana at ${new Date(NOW).toISOString()} after batch 1 of 4: 5xx up`,
    });
    expect(JSON.parse(output.stdout().trim())).toMatchObject({ kind: "reject", execution: "hello-prod-v3-b", batch: 1, of: 4, by: "ana", reason: "5xx up" });
  });

  it("refuses, exit 2, a deploy that has not reached a checkpoint, and one whose checkpoint no longer waits", async () => {
    running("hello-prod-v3-c");
    await expect(answerOnAws("approve", "hello-prod-v3-c", flags, NOW)).rejects.toThrow(UsageError);
    await expect(answerOnAws("approve", "hello-prod-v3-c", flags, NOW)).rejects.toThrow("has not reached an approval checkpoint");

    running("hello-prod-v3-d");
    await waiting("hello-prod-v3-d");
    sfn.on(SendTaskSuccessCommand).rejects(Object.assign(new Error("Task Timed Out"), { name: "TaskTimedOut" }));
    await expect(answerOnAws("approve", "hello-prod-v3-d", flags, NOW)).rejects.toThrow("no longer waits at its checkpoint after batch 1 of 4");
  });

  it("abort of a deploy waiting at a checkpoint fails its task with DeployAbortedError, so it rolls back at once", async () => {
    running("hello-prod-v3-e");
    await waiting("hello-prod-v3-e");
    sfn.on(SendTaskFailureCommand).resolves({});

    await abortOnAws("hello-prod-v3-e", { ...flags, reason: "wrong build" }, NOW);

    expect(sfn.commandCalls(SendTaskFailureCommand)[0]?.args[0].input).toEqual({
      taskToken: "token-of-hello-prod-v3-e",
      error: "DeployAbortedError",
      cause: `Aborted by ana at ${new Date(NOW).toISOString()}: wrong build`,
    });
  });
});
