import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { afterEach, describe, expect, it } from "vitest";
import { runtime } from "../../../../functions/aws/runtime.js";
import { finishRelease, findRelease, lastDeployed, listReleases, recordRelease } from "../../../../functions/aws/releases/release-history.js";
import { ReleaseAlreadyFinishedError, ReleaseNotFoundError } from "../../../../functions/core/errors.js";
import type { ReleaseStart } from "../../../../functions/core/releases/releases.js";
import { useLocalDynamo } from "../local-dynamo.js";

useLocalDynamo();

/** Each test records into its own env, so numbering starts at v1 in every test. */
let envs = 0;
function historyFor() {
  const env = `history-${(envs += 1)}`;
  const start = (execution: string, overrides: Partial<ReleaseStart> = {}): ReleaseStart => ({
    app: "hello",
    env,
    releaseId: execution.slice(-7),
    commit: `${execution.slice(-7)}d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2`,
    ref: "refs/heads/main",
    trigger: { source: "github", actor: "octocat", deliveryId: `delivery-${execution}` },
    execution,
    startedAt: "2025-03-04T09:00:00.000Z",
    ...overrides,
  });
  const record = async (count: number) => {
    for (let index = 1; index <= count; index += 1) await recordRelease(start(`hello-${env}-${String(index).padStart(7, "0")}`));
  };
  return { env, start, record };
}

describe("recordRelease", () => {
  it("numbers releases v1, v2, … in the order deploys start, as deploying", async () => {
    const { start } = historyFor();

    const first = await recordRelease(start("hello-prod-3f2c1ab"));
    const second = await recordRelease(start("hello-prod-9e8d7c6", { imageId: "ami-0123456789abcdef0" }));

    expect(first).toMatchObject({ number: 1, label: "v1", status: "deploying", releaseId: "3f2c1ab", execution: "hello-prod-3f2c1ab" });
    expect(second).toMatchObject({ number: 2, label: "v2", imageId: "ami-0123456789abcdef0" });
    expect(first.trigger).toEqual({ source: "github", actor: "octocat", deliveryId: "delivery-hello-prod-3f2c1ab" });
  });

  it("returns the release already recorded when the same execution retries", async () => {
    const { env, start } = historyFor();
    const first = await recordRelease(start("hello-prod-3f2c1ab"));

    const retry = await recordRelease(start("hello-prod-3f2c1ab", { startedAt: "2025-03-04T09:00:05.000Z" }));
    const next = await recordRelease(start("hello-prod-9e8d7c6"));

    expect(retry).toEqual(first);
    expect(next.number).toBe(2);
    expect((await listReleases("hello", env)).releases.map((release) => release.label)).toEqual(["v2", "v1"]);
  });

  it("hands out v1 to v20 exactly once when 20 deploys start at once, each retried twice concurrently", async () => {
    const { env, start } = historyFor();
    const executions = Array.from({ length: 20 }, (_, index) => `hello-prod-${String(index + 1).padStart(7, "0")}`);

    const records = await Promise.all([...executions, ...executions, ...executions].map((execution) => recordRelease(start(execution))));

    const numberOf = new Map<string, number>();
    for (const record of records) {
      expect(numberOf.get(record.execution) ?? record.number, record.execution).toBe(record.number);
      numberOf.set(record.execution, record.number);
    }
    expect([...numberOf.values()].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, index) => index + 1));
    const stored = (await listReleases("hello", env, { limit: 100 })).releases;
    expect(stored.map((release) => release.number)).toEqual(Array.from({ length: 20 }, (_, index) => 20 - index));
    expect(stored.every((release) => numberOf.get(release.execution) === release.number)).toBe(true);
  });

  it("keeps numbers gapless and the retry idempotent when a deploy dies right after taking its number", async () => {
    const { env, start } = historyFor();
    await recordRelease(start("hello-prod-0000001"));
    const removeCrash = crashOnce("execution#hello-prod-0000002");

    await expect(recordRelease(start("hello-prod-0000002"))).rejects.toThrow("Lambda died");
    removeCrash();
    const other = await recordRelease(start("hello-prod-0000003"));
    const retry = await recordRelease(start("hello-prod-0000002"));

    expect(retry.number).toBe(2);
    expect(other.number).toBe(3);
    expect((await listReleases("hello", env)).releases.map((release) => release.execution)).toEqual([
      "hello-prod-0000003",
      "hello-prod-0000002",
      "hello-prod-0000001",
    ]);
  });
});

/**
 * Makes the first PutItem of the item keyed `sk` fail, as if the Lambda died between taking a
 * release number and tying it to its execution. Returns the function that removes the fault.
 */
function crashOnce(sk: string): () => void {
  let crashed = false;
  const dynamoDb = runtime().client(DynamoDBClient);
  dynamoDb.middlewareStack.add(
    (next, context) => async (args) => {
      const item = (args.input as { Item?: { sk?: unknown } }).Item;
      const itemSk = typeof item?.sk === "string" ? item.sk : (item?.sk as { S?: string } | undefined)?.S;
      if (!crashed && context.commandName === "PutItemCommand" && itemSk === sk) {
        crashed = true;
        throw new Error("Lambda died");
      }
      return next(args);
    },
    { step: "initialize", name: "crashOnce", override: true },
  );
  return () => dynamoDb.middlewareStack.remove("crashOnce");
}

afterEach(() => {
  runtime().client(DynamoDBClient).middlewareStack.remove("crashOnce");
});

describe("finishRelease", () => {
  it("ends the execution's release with its status, finish time and cause", async () => {
    const { env, start } = historyFor();
    await recordRelease(start("hello-prod-3f2c1ab"));

    const finished = await finishRelease({
      app: "hello",
      env,
      execution: "hello-prod-3f2c1ab",
      status: "rolled back",
      finishedAt: "2025-03-04T09:12:00.000Z",
      cause: "HealthGateFailedError: i-0aaa000000000004 unhealthy in hello-prod-web",
    });

    expect(finished).toMatchObject({
      number: 1,
      status: "rolled back",
      finishedAt: "2025-03-04T09:12:00.000Z",
      cause: expect.stringContaining("HealthGateFailedError"),
    });
    expect(await findRelease("hello", env, "v1")).toEqual(finished);
  });

  it("keeps the first finish when the same finish is retried", async () => {
    const { env, start } = historyFor();
    await recordRelease(start("hello-prod-3f2c1ab"));
    const first = await finishRelease({ app: "hello", env, execution: "hello-prod-3f2c1ab", status: "deployed", finishedAt: "2025-03-04T09:10:00.000Z" });

    const retry = await finishRelease({ app: "hello", env, execution: "hello-prod-3f2c1ab", status: "deployed", finishedAt: "2025-03-04T09:10:07.000Z" });

    expect(retry).toEqual(first);
    expect(retry.finishedAt).toBe("2025-03-04T09:10:00.000Z");
  });

  it("marks a deployed release rolled back later", async () => {
    const { env, start } = historyFor();
    await recordRelease(start("hello-prod-3f2c1ab"));
    await finishRelease({ app: "hello", env, execution: "hello-prod-3f2c1ab", status: "deployed", finishedAt: "2025-03-04T09:10:00.000Z" });

    const rolledBack = await finishRelease({
      app: "hello",
      env,
      execution: "hello-prod-3f2c1ab",
      status: "rolled back",
      finishedAt: "2025-03-04T10:00:00.000Z",
    });

    expect(rolledBack.status).toBe("rolled back");
  });

  it("rejects a second, different ending and keeps the first", async () => {
    const { env, start } = historyFor();
    await recordRelease(start("hello-prod-3f2c1ab"));
    await finishRelease({ app: "hello", env, execution: "hello-prod-3f2c1ab", status: "failed", finishedAt: "2025-03-04T09:10:00.000Z" });

    const change = finishRelease({ app: "hello", env, execution: "hello-prod-3f2c1ab", status: "deployed", finishedAt: "2025-03-04T09:11:00.000Z" });

    await expect(change).rejects.toThrow(ReleaseAlreadyFinishedError);
    await expect(change).rejects.toThrow(`Release v1 of hello/${env} already ended as "failed"; it cannot become "deployed"`);
    expect((await findRelease("hello", env, 1)).status).toBe("failed");
  });

  it("rejects an execution that recorded no release, naming it", async () => {
    const { env } = historyFor();

    const finish = finishRelease({ app: "hello", env, execution: "hello-prod-unknown", status: "deployed", finishedAt: "2025-03-04T09:10:00.000Z" });

    await expect(finish).rejects.toThrow(ReleaseNotFoundError);
    await expect(finish).rejects.toThrow(`No release of hello/${env} was recorded by execution hello-prod-unknown`);
  });
});

describe("listReleases", () => {
  it("lists newest first, a page at a time, until the oldest", async () => {
    const { env, record } = historyFor();
    await record(25);

    const first = await listReleases("hello", env, { limit: 10 });
    const second = await listReleases("hello", env, { limit: 10, before: first.nextBefore });
    const third = await listReleases("hello", env, { limit: 10, before: second.nextBefore });

    expect(first.releases.map((release) => release.number)).toEqual([25, 24, 23, 22, 21, 20, 19, 18, 17, 16]);
    expect(second.releases.map((release) => release.number)).toEqual([15, 14, 13, 12, 11, 10, 9, 8, 7, 6]);
    expect(third).toEqual({ releases: expect.any(Array) });
    expect(third.releases.map((release) => release.number)).toEqual([5, 4, 3, 2, 1]);
  });

  it("lists nothing for an app/env without releases", async () => {
    expect(await listReleases("hello", "never-deployed")).toEqual({ releases: [] });
  });
});

describe("findRelease", () => {
  it("finds a release by label or number", async () => {
    const { env, record } = historyFor();
    await record(3);

    const byLabel = await findRelease("hello", env, "v2");
    const byNumber = await findRelease("hello", env, 2);
    const byDigits = await findRelease("hello", env, "2");

    expect(byLabel).toMatchObject({ number: 2, label: "v2", execution: `hello-${env}-0000002` });
    expect(byNumber).toEqual(byLabel);
    expect(byDigits).toEqual(byLabel);
  });

  it("rejects a release that does not exist, naming app, env and label and how to list them", async () => {
    const { env, record } = historyFor();
    await record(1);

    const find = findRelease("hello", env, "v7");

    await expect(find).rejects.toThrow(ReleaseNotFoundError);
    await expect(find).rejects.toThrow(`Release v7 of hello/${env} was not found; run "gantry releases hello ${env}" to list the releases.`);
  });

  it("rejects a label that is not a release label", async () => {
    await expect(findRelease("hello", "prod", "latest")).rejects.toThrow('"latest" is not a release of hello/prod: labels look like v12.');
  });
});

describe("lastDeployed", () => {
  it("finds the newest deployed release, or the newest before a given number", async () => {
    const { env, start } = historyFor();
    const statuses = ["deployed", "deployed", "failed", "deployed", "rolled back"] as const;
    for (const [index, status] of statuses.entries()) {
      const execution = `hello-prod-${index + 1}`;
      await recordRelease(start(execution));
      await finishRelease({ app: "hello", env, execution, status, finishedAt: "2025-03-04T10:00:00.000Z" });
    }

    expect((await lastDeployed("hello", env))?.label).toBe("v4");
    expect((await lastDeployed("hello", env, { before: 4 }))?.label).toBe("v2");
    expect(await lastDeployed("hello", env, { before: 1 })).toBeUndefined();
  });

  it("finds a deployed release more than a page of failed ones back", async () => {
    const { env, start } = historyFor();
    await recordRelease(start("hello-prod-good"));
    await finishRelease({ app: "hello", env, execution: "hello-prod-good", status: "deployed", finishedAt: "2025-03-04T10:00:00.000Z" });
    for (let index = 0; index < 120; index += 1) await recordRelease(start(`hello-prod-bad${index}`));

    expect((await lastDeployed("hello", env))?.execution).toBe("hello-prod-good");
  });

  it("finds nothing when no release was ever deployed", async () => {
    const { env, record } = historyFor();
    await record(2);

    expect(await lastDeployed("hello", env)).toBeUndefined();
  });
});
