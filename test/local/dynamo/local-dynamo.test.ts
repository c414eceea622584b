import { DescribeTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { afterEach, describe, expect, it } from "vitest";
import { acquireLock, readLock } from "../../../functions/aws/lock/deploy-lock.js";
import { provideRuntime, runtime } from "../../../functions/aws/runtime.js";
import { LocalDynamoError, startLocalDynamo, type LocalDynamo } from "../../../local/dynamo/index.js";
import { createLocalRuntime } from "../../../local/runtime.js";

let running: LocalDynamo | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

const T0 = Date.parse("2025-03-04T09:00:00Z");

describe("startLocalDynamo", () => {
  it("creates the gantry table from the shared definition: pk and sk strings, on demand", async () => {
    running = await startLocalDynamo();
    provideRuntime(createLocalRuntime());

    const { Table } = await runtime()
      .client(DynamoDBClient)
      .send(new DescribeTableCommand({ TableName: "gantry" }));

    expect(running.tableName).toBe("gantry");
    expect(Table?.TableStatus).toBe("ACTIVE");
    expect(Table?.KeySchema).toEqual([
      { AttributeName: "pk", KeyType: "HASH" },
      { AttributeName: "sk", KeyType: "RANGE" },
    ]);
    expect(Table?.AttributeDefinitions).toEqual([
      { AttributeName: "pk", AttributeType: "S" },
      { AttributeName: "sk", AttributeType: "S" },
    ]);
    expect(Table?.BillingModeSummary?.BillingMode).toBe("PAY_PER_REQUEST");
  });

  it("is where local mode's runtime sends DynamoDB calls, with dummy credentials, leaving the environment alone", async () => {
    const before = { endpoint: process.env.AWS_ENDPOINT_URL_DYNAMODB, key: process.env.AWS_ACCESS_KEY_ID };
    running = await startLocalDynamo();
    provideRuntime(createLocalRuntime());

    await acquireLock({ app: "hello", env: "prod", holder: "hello-prod-a1", seq: 1, now: T0, leaseSeconds: 60 });

    expect(running.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await runtime().client(DynamoDBClient).config.credentials()).accessKeyId).toBe("local");
    expect((await readLock("hello", "prod", T0))?.holder?.holder).toBe("hello-prod-a1");
    expect({ endpoint: process.env.AWS_ENDPOINT_URL_DYNAMODB, key: process.env.AWS_ACCESS_KEY_ID }).toEqual(before);
  });

  it("starts empty again on the same endpoint after a close, reached by a runtime made before", async () => {
    provideRuntime(createLocalRuntime());
    const first = await startLocalDynamo();
    await acquireLock({ app: "hello", env: "prod", holder: "hello-prod-a1", seq: 1, now: T0, leaseSeconds: 60 });
    await first.close();

    running = await startLocalDynamo();

    expect(running.endpoint).toBe(first.endpoint);
    expect(await readLock("hello", "prod", T0)).toBeUndefined();
  });

  it("fails loudly, rather than reaching AWS, when a local runtime calls DynamoDB with none running", async () => {
    provideRuntime(createLocalRuntime());

    await expect(readLock("hello", "prod", T0)).rejects.toThrow("Local DynamoDB is not running");
  });

  it("creates the table it is asked for, which a runtime on that table then uses", async () => {
    running = await startLocalDynamo({ tableName: "gantry-local-test" });
    provideRuntime(createLocalRuntime({ tableName: "gantry-local-test" }));

    await acquireLock({ app: "hello", env: "prod", holder: "hello-prod-a1", seq: 1, now: T0, leaseSeconds: 60 });

    expect(running.tableName).toBe("gantry-local-test");
    expect((await readLock("hello", "prod", T0))?.holder?.holder).toBe("hello-prod-a1");
    await expect(
      runtime()
        .client(DynamoDBClient)
        .send(new DescribeTableCommand({ TableName: "gantry" })),
    ).rejects.toThrow(expect.objectContaining({ name: "ResourceNotFoundException" }));
  });

  it("rejects a second start while one is running", async () => {
    running = await startLocalDynamo();

    await expect(startLocalDynamo()).rejects.toThrow(LocalDynamoError);
    await expect(startLocalDynamo()).rejects.toThrow("Local DynamoDB is already running in this process; close it before starting another.");
  });
});
