import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, type CreateTableCommandInput } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import dynalite from "dynalite";
import { GANTRY_TABLE_DEFINITION } from "../../functions/aws/dynamo-client.js";

/** A running dynalite holding the gantry table. */
export interface LocalDynamo {
  endpoint: string;
  tableName: string;
  /** A client of its own on the table, for loading and saving it whole (local/dynamo-session.ts). */
  documents: DynamoDBDocumentClient;
  /** Stops the server. */
  close(): Promise<void>;
}

/** Local DynamoDB was started twice at once, or could not start. */
export class LocalDynamoError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "LocalDynamoError";
  }
}

/** A second start in the same process listens where the first did, so clients made meanwhile keep working. */
let pinnedPort: number | undefined;
let running: string | undefined;

/**
 * Where this process's dynalite listens, for the `endpoint` of local mode's DynamoDB client
 * (local/runtime.ts): asked on every request, so a client made before dynalite started, or
 * across a restart, reaches it. Fails loudly, rather than reaching AWS, when none runs.
 */
export async function localDynamoEndpoint(): Promise<{ url: URL }> {
  if (running === undefined) {
    throw new LocalDynamoError(
      "Local DynamoDB is not running: start it (ensureLocalDynamo or startLocalDynamo) before a local step reads or writes the table.",
    );
  }
  return { url: new URL(running) };
}

/**
 * Starts dynalite in-process on 127.0.0.1 and creates the gantry table (`tableName`, default
 * "gantry") from the shared definition. Local mode's runtime sends its DynamoDB calls here, so
 * the adapters run unchanged, with real conditional writes, and no AWS account is needed.
 */
export async function startLocalDynamo(options: { tableName?: string } = {}): Promise<LocalDynamo> {
  if (running !== undefined) throw new LocalDynamoError("Local DynamoDB is already running in this process; close it before starting another.");
  running = "";
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  try {
    const port = await listen(server, pinnedPort ?? 0);
    pinnedPort = port;
    const endpoint = `http://127.0.0.1:${port}`;
    const client = new DynamoDBClient({ endpoint, region: "eu-west-1", credentials: { accessKeyId: "local", secretAccessKey: "local" } });
    const tableName = options.tableName ?? "gantry";
    await createTable(client, tableName);
    running = endpoint;
    return {
      endpoint,
      tableName,
      documents: DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } }),
      close: async () => {
        await stop(server);
        client.destroy();
        running = undefined;
      },
    };
  } catch (error) {
    running = undefined;
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
async function createTable(dynamoDb: DynamoDBClient, tableName: string): Promise<void> {
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
      reject(
        new LocalDynamoError(`Local DynamoDB could not listen on 127.0.0.1:${port} (${error.message}); free the port or restart the process.`, {
          cause: error,
        }),
      ),
    );
    server.listen(port, "127.0.0.1", () => resolve((server.address() as AddressInfo).port));
  });
}

function stop(server: Server): Promise<void> {
  return new Promise((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
}
