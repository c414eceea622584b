import { DescribeTableCommand } from "@aws-sdk/client-dynamodb";
import { afterEach, describe, expect, it } from "vitest";
import { dynamoDb } from "../../../functions/aws/clients.js";
import { acquireLock, readLock } from "../../../functions/aws/deploy-lock.js";
import { LocalDynamoError, startLocalDynamo, type LocalDynamo } from "../../../local/dynamo/index.js";

let running: LocalDynamo | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
  delete process.env.GANTRY_TABLE;
});

const T0 = Date.parse("2025-03-04T09:00:00Z");

describe("startLocalDynamo", () => {
  it("creates the gantry table from the shared definition: pk and sk strings, on demand", async () => {
    running = await startLocalDynamo();

    const { Table } = await dynamoDb.send(new DescribeTableCommand({ TableName: "gantry" }));

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

  it("points gantry's own DynamoDB client at a local endpoint with dummy credentials", async () => {
    running = await startLocalDynamo();

    await acquireLock({ app: "hello", env: "prod", holder: "hello-prod-a1", seq: 1, now: T0, leaseSeconds: 60 });

    expect(running.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(process.env.AWS_ENDPOINT_URL_DYNAMODB).toBe(running.endpoint);
    expect((await dynamoDb.config.credentials()).accessKeyId).toBe("local");
    expect((await readLock("hello", "prod", T0))?.holder?.holder).toBe("hello-prod-a1");
  });

  it("puts the environment back when closed, and starts empty again on the same endpoint", async () => {
    const before = process.env.AWS_ACCESS_KEY_ID;
    const first = await startLocalDynamo();
    await acquireLock({ app: "hello", env: "prod", holder: "hello-prod-a1", seq: 1, now: T0, leaseSeconds: 60 });
    await first.close();
    const afterClose = { endpoint: process.env.AWS_ENDPOINT_URL_DYNAMODB, key: process.env.AWS_ACCESS_KEY_ID };

    running = await startLocalDynamo();

    expect(afterClose).toEqual({ endpoint: undefined, key: before });
    expect(running.endpoint).toBe(first.endpoint);
    expect(await readLock("hello", "prod", T0)).toBeUndefined();
  });

  it("creates the table named by GANTRY_TABLE, which the adapters then use", async () => {
    process.env.GANTRY_TABLE = "gantry-local-test";
    running = await startLocalDynamo();

    await acquireLock({ app: "hello", env: "prod", holder: "hello-prod-a1", seq: 1, now: T0, leaseSeconds: 60 });

    expect(running.tableName).toBe("gantry-local-test");
    expect((await readLock("hello", "prod", T0))?.holder?.holder).toBe("hello-prod-a1");
    await expect(dynamoDb.send(new DescribeTableCommand({ TableName: "gantry" }))).rejects.toThrow(expect.objectContaining({ name: "ResourceNotFoundException" }));
  });

  it("rejects a second start while one is running", async () => {
    running = await startLocalDynamo();

    await expect(startLocalDynamo()).rejects.toThrow(LocalDynamoError);
    await expect(startLocalDynamo()).rejects.toThrow("Local DynamoDB is already running in this process; close it before starting another.");
  });
});
