import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { CreateTableCommand, DescribeTableCommand, type CreateTableCommandInput } from "@aws-sdk/client-dynamodb";
import dynalite from "dynalite";
import { dynamoDb } from "../../functions/aws/clients.js";
import { GANTRY_TABLE_DEFINITION, gantryTableName } from "../../functions/aws/dynamo-client.js";

/** A running dynalite holding the gantry table, with gantry's DynamoDB client pointed at it. */
export interface LocalDynamo {
  endpoint: string;
  tableName: string;
  /** Stops the server and puts back the environment variables it replaced. */
  close(): Promise<void>;
}

/** Local DynamoDB was started twice at once, or could not start. */
export class LocalDynamoError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "LocalDynamoError";
  }
}

/**
 * The SDK reads `AWS_ENDPOINT_URL_DYNAMODB` on the client's first request and keeps what it
 * found for the client's life, so a second start in the same process must listen where the
 * first did.
 */
let pinnedPort: number | undefined;
let running = false;

/**
 * Starts dynalite in-process on 127.0.0.1, creates the gantry table from the shared definition
 * and points gantry's own DynamoDB client at it through the SDK's standard endpoint variable:
 * the adapters run unchanged, with real conditional writes. Dummy credentials replace any in
 * the environment (dynalite checks none), so no AWS account is needed.
 */
export async function startLocalDynamo(): Promise<LocalDynamo> {
  if (running) throw new LocalDynamoError("Local DynamoDB is already running in this process; close it before starting another.");
  running = true;
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  try {
    const port = await listen(server, pinnedPort ?? 0);
    pinnedPort = port;
    const endpoint = `http://127.0.0.1:${port}`;
    const restore = replaceEnv({
      AWS_ENDPOINT_URL_DYNAMODB: endpoint,
      AWS_ACCESS_KEY_ID: "local",
      AWS_SECRET_ACCESS_KEY: "local",
      AWS_SESSION_TOKEN: undefined,
    });
    const tableName = gantryTableName();
    await createTable(tableName);
    return {
      endpoint,
      tableName,
      close: async () => {
        await stop(server);
        restore();
        running = false;
      },
    };
  } catch (error) {
    running = false;
    if (server.listening) await stop(server);
    throw error instanceof LocalDynamoError ? error : new LocalDynamoError(`Local DynamoDB did not start: ${String(error)}`, { cause: error });
  }
}

/** The gantry table as CreateTable wants it, from GANTRY_TABLE_DEFINITION. */
export function gantryTableInput(tableName: string): CreateTableCommandInput {
  const { partitionKey, sortKey, billingMode } = GANTRY_TABLE_DEFINITION;
  return {
    TableName: tableName,
    AttributeDefinitions: [partitionKey, sortKey].map((key) => ({ AttributeName: key.name, AttributeType: key.type })),
    KeySchema: [
      { AttributeName: partitionKey.name, KeyType: "HASH" },
      { AttributeName: sortKey.name, KeyType: "RANGE" },
    ],
    BillingMode: billingMode,
  };
}

/** Even with createTableMs 0 the table turns ACTIVE on a later tick; wait for it like on AWS. */
async function createTable(tableName: string): Promise<void> {
  await dynamoDb.send(new CreateTableCommand(gantryTableInput(tableName)));
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const { Table } = await dynamoDb.send(new DescribeTableCommand({ TableName: tableName }));
    if (Table?.TableStatus === "ACTIVE") return;
    await sleep(10);
  }
  throw new LocalDynamoError(`Table ${tableName} did not become ACTIVE in local DynamoDB within a second.`);
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", (error) =>
      reject(new LocalDynamoError(`Local DynamoDB could not listen on 127.0.0.1:${port} (${error.message}); free the port or restart the process.`, { cause: error })),
    );
    server.listen(port, "127.0.0.1", () => resolve((server.address() as AddressInfo).port));
  });
}

function stop(server: Server): Promise<void> {
  return new Promise((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
}

/** Sets (or, for undefined, removes) variables; the returned function puts the old values back. */
function replaceEnv(values: Record<string, string | undefined>): () => void {
  const previous = Object.fromEntries(Object.keys(values).map((name) => [name, process.env[name]]));
  const apply = (next: Record<string, string | undefined>) => {
    for (const [name, value] of Object.entries(next)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
  apply(values);
  return () => apply(previous);
}
