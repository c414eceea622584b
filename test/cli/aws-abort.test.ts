import { DescribeExecutionCommand } from "@aws-sdk/client-sfn";
import { beforeEach, describe, expect, it } from "vitest";
import { abortOnAws } from "../../cli/aws/abort.js";
import { UsageError } from "../../cli/output.js";
import { readOperatorRequest } from "../../functions/aws/operator/requests.js";
import { DEPLOY_MACHINE, captureEachTest, executionArn, sfn, stackTable, stackWith } from "./aws-fixtures.js";

const flags = { stack: "Gantry", config: "gantry.config.ts" };
const NOW = Date.UTC(2026, 0, 6, 9, 0, 0);
const input = JSON.stringify({ app: "hello", env: "prod", release: { id: "v3" } });

// The stack's table is a real DynamoDB (dynalite) the CLI reaches through the SDK's endpoint variable.
stackTable();

const output = captureEachTest({ USER: "ana" });
beforeEach(() => stackWith());

function described(name: string, status: "RUNNING" | "SUCCEEDED"): void {
  sfn
    .on(DescribeExecutionCommand, { executionArn: executionArn(name) })
    .resolves({ executionArn: executionArn(name), stateMachineArn: DEPLOY_MACHINE, name, status, input, startDate: new Date(NOW - 60_000) });
}

describe("gantry abort on AWS", () => {
  it("files an abort request for a running execution in the stack's table and says so", async () => {
    described("hello-prod-v3-a", "RUNNING");

    await abortOnAws("hello-prod-v3-a", { ...flags, reason: "wrong build" }, NOW);

    expect(await readOperatorRequest("hello", "prod", "hello-prod-v3-a")).toEqual({
      kind: "abort",
      execution: "hello-prod-v3-a",
      by: "ana",
      reason: "wrong build",
      at: NOW,
    });
    expect(output.stdout()).toBe("Abort requested for hello-prod-v3-a (hello/prod) by ana: it stops at its next step and rolls back.\n");
  });

  it("prints the request as JSON with --json, for an execution named by its ARN", async () => {
    described("hello-prod-v3-b", "RUNNING");

    await abortOnAws(executionArn("hello-prod-v3-b"), { ...flags, json: true }, NOW);

    expect(output.lastJson()).toEqual({ execution: "hello-prod-v3-b", app: "hello", env: "prod", by: "ana", requestedAt: "2026-01-06T09:00:00.000Z" });
  });

  it("rejects an execution that has finished, naming it and its status, and files nothing", async () => {
    described("hello-prod-v2-a", "SUCCEEDED");

    const aborting = abortOnAws("hello-prod-v2-a", flags, NOW);

    await expect(aborting).rejects.toThrow(UsageError);
    await expect(aborting).rejects.toThrow("hello-prod-v2-a is SUCCEEDED, not running: there is nothing to abort");
    expect(await readOperatorRequest("hello", "prod", "hello-prod-v2-a")).toBeUndefined();
  });
});
