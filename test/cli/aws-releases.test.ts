import { StartExecutionCommand } from "@aws-sdk/client-sfn";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { releasesOnAws, rollbackOnAws } from "../../cli/aws/releases.js";
import { UsageError } from "../../cli/output.js";
import { acquireLock, releaseLock } from "../../functions/aws/lock/deploy-lock.js";
import { readOperatorRequest } from "../../functions/aws/operator/requests.js";
import { finishRelease, recordRelease } from "../../functions/aws/releases/release-history.js";
import { provideRuntime } from "../../functions/aws/runtime.js";
import { startLocalDynamo, type LocalDynamo } from "../../local/dynamo/index.js";
import { createLocalRuntime } from "../../local/runtime.js";
import { DEPLOY_MACHINE, TABLE, captureEachTest, executionArn, sfn, stackWith } from "./aws-fixtures.js";

const flags = { stack: "Gantry", config: "gantry.config.ts" };
const NOW = Date.UTC(2026, 0, 6, 9, 0, 0);

// The stack's table is a real DynamoDB (dynalite) under the stack's table name, which the CLI
// reaches through the SDK's own endpoint variable; CloudFormation and Step Functions are mocked.
let dynamo: LocalDynamo;
const before = { endpoint: process.env.AWS_ENDPOINT_URL_DYNAMODB, key: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
beforeAll(async () => {
  dynamo = await startLocalDynamo({ tableName: TABLE });
  process.env.AWS_ENDPOINT_URL_DYNAMODB = dynamo.endpoint;
  process.env.AWS_ACCESS_KEY_ID = "local";
  process.env.AWS_SECRET_ACCESS_KEY = "local";
  provideRuntime(createLocalRuntime({ tableName: TABLE }));
  for (const [index, releaseId] of ["3f2c1ab", "8d9e0fa", "c0ffee1"].entries()) {
    const execution = `hello-prod-${releaseId}-d${index}`;
    await recordRelease({
      app: "hello",
      env: "prod",
      releaseId,
      commit: `${releaseId}00000`,
      trigger: { source: "github", actor: "octocat" },
      execution,
      startedAt: `2026-01-0${index + 1}T10:00:00.000Z`,
    });
    await finishRelease({
      app: "hello",
      env: "prod",
      execution,
      status: index === 2 ? "rolled back" : "deployed",
      finishedAt: `2026-01-0${index + 1}T10:10:00.000Z`,
    });
  }
});
afterAll(async () => {
  await dynamo.close();
  for (const [name, value] of [
    ["AWS_ENDPOINT_URL_DYNAMODB", before.endpoint],
    ["AWS_ACCESS_KEY_ID", before.key],
    ["AWS_SECRET_ACCESS_KEY", before.secret],
  ] as const) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

const output = captureEachTest();
beforeEach(() => {
  // The CLI must read the table the stack names, whatever runtime was there before.
  provideRuntime(createLocalRuntime({ tableName: "some-other-table" }));
  stackWith();
  sfn.on(StartExecutionCommand).callsFake((input: { name: string }) => ({ executionArn: executionArn(input.name) }));
});

describe("gantry releases on AWS", () => {
  it("lists the stack table's releases newest first, each with its execution's console link", async () => {
    const releases = await releasesOnAws("hello", "prod", { ...flags, limit: 20 });

    expect(releases.map((release) => [release.label, release.releaseId, release.status])).toEqual([
      ["v3", "c0ffee1", "rolled back"],
      ["v2", "8d9e0fa", "deployed"],
      ["v1", "3f2c1ab", "deployed"],
    ]);
    expect(releases[0]?.consoleUrl).toBe(
      `https://eu-west-1.console.aws.amazon.com/states/home?region=eu-west-1#/v2/executions/details/${executionArn("hello-prod-c0ffee1-d2")}`,
    );
  });
});

describe("gantry rollback on AWS", () => {
  it("starts a deploy execution of the release before the current one, triggered by rollback", async () => {
    vi.stubEnv("USER", "ada");

    const code = await rollbackOnAws("hello", "prod", { ...flags, json: true }, { now: () => NOW });

    expect(code).toBe(0);
    const sent = sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input;
    expect(sent).toMatchObject({ stateMachineArn: DEPLOY_MACHINE, name: `hello-prod-3f2c1ab-rb${NOW.toString(36)}` });
    expect(JSON.parse(sent?.input ?? "")).toMatchObject({
      app: "hello",
      env: "prod",
      release: { id: "3f2c1ab" },
      group: { autoScalingGroupName: "hello-prod" },
      trigger: { source: "rollback", actor: "ada (to v1)", receivedAt: NOW },
    });
    expect(output.lastJson()).toMatchObject({
      from: "v2",
      to: "v1",
      alreadyStarted: false,
      executionArn: executionArn(`hello-prod-3f2c1ab-rb${NOW.toString(36)}`),
    });
  });

  it("goes to the release --to names", async () => {
    await rollbackOnAws("hello", "prod", { ...flags, to: "V1" }, { now: () => NOW });

    expect(JSON.parse(sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input.input ?? "")).toMatchObject({ release: { id: "3f2c1ab" } });
    expect(output.stdout()).toContain("rolling hello/prod back from v2 (8d9e0fa) to v1 (3f2c1ab)");
  });

  it("rejects a rollback when the app/env has nothing deployed, starting nothing", async () => {
    await expect(rollbackOnAws("hello", "staging", flags, { now: () => NOW })).rejects.toThrow(UsageError);
    expect(sfn).not.toHaveReceivedCommand(StartExecutionCommand);
  });

  it("asks the deploy that holds the lock (inside its keepOldFor window) to roll back, starting nothing", async () => {
    vi.stubEnv("USER", "ada");
    const holder = "hello-prod-c0ffee1-window";
    provideRuntime(createLocalRuntime({ tableName: TABLE }));
    await acquireLock({ app: "hello", env: "prod", holder, seq: NOW - 60_000, now: Date.now(), leaseSeconds: 900 });
    // The CLI must find the stack's table by itself.
    provideRuntime(createLocalRuntime({ tableName: "some-other-table" }));
    try {
      const code = await rollbackOnAws("hello", "prod", { ...flags, json: true }, { now: () => Date.now() });

      expect(code).toBe(0);
      expect(sfn).not.toHaveReceivedCommand(StartExecutionCommand);
      expect(output.lastJson()).toMatchObject({ requested: "rollback", execution: holder, app: "hello", env: "prod", by: "ada" });
      provideRuntime(createLocalRuntime({ tableName: TABLE }));
      expect(await readOperatorRequest("hello", "prod", holder)).toMatchObject({ kind: "rollback", execution: holder, by: "ada" });
    } finally {
      provideRuntime(createLocalRuntime({ tableName: TABLE }));
      await releaseLock({ app: "hello", env: "prod", holder });
    }
  });

  it("fails with ReleaseNotFoundError for a --to that names no release", async () => {
    await expect(rollbackOnAws("hello", "prod", { ...flags, to: "v9" }, { now: () => NOW })).rejects.toThrow("Release v9 of hello/prod was not found");
  });
});
