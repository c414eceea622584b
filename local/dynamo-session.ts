import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { PutCommand, paginateScan } from "@aws-sdk/lib-dynamodb";
import { startLocalDynamo, type LocalDynamo } from "./dynamo/index.js";

/**
 * One local DynamoDB per process, started on first use: every local execution takes its
 * app/env lock and records its release there, through the same adapters as on AWS. CLI commands
 * keep the table in a file between runs (`persistTo`), so `gantry releases --local` sees what
 * earlier commands deployed; tests keep it in memory.
 */
let session: Promise<LocalDynamo> | undefined;
let persistPath: string | undefined;
/** The save in progress: saves run one after another, so an earlier one never lands after a later one. */
let saving: Promise<void> = Promise.resolve();

export function ensureLocalDynamo(options: { persistTo?: string } = {}): Promise<LocalDynamo> {
  if (options.persistTo) persistPath = options.persistTo;
  session ??= startLocalDynamo().then(async (dynamo) => {
    if (persistPath && existsSync(persistPath)) await load(dynamo, persistPath);
    return dynamo;
  });
  return session;
}

/** Saves the table where it persists (if it does), so other commands see it while this process runs on. */
export function saveLocalDynamo(): Promise<void> {
  const running = session;
  const path = persistPath;
  if (!running || !path) return saving;
  const next = saving.then(async () => save(await running, path));
  saving = next.catch(() => undefined);
  return next;
}

/** Saves the table where it persists, then stops the local DynamoDB; a CLI command calls this before it exits. */
export async function closeLocalDynamo(): Promise<void> {
  const running = session;
  session = undefined;
  if (!running) return;
  const dynamo = await running;
  await saving;
  if (persistPath) await save(dynamo, persistPath);
  await dynamo.close();
}

async function load({ documents, tableName }: LocalDynamo, path: string): Promise<void> {
  const items = JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>[];
  for (const item of items) await documents.send(new PutCommand({ TableName: tableName, Item: item }));
}

async function save({ documents, tableName }: LocalDynamo, path: string): Promise<void> {
  const items: Record<string, unknown>[] = [];
  for await (const page of paginateScan({ client: documents }, { TableName: tableName })) items.push(...(page.Items ?? []));
  mkdirSync(dirname(path), { recursive: true });
  // Written aside and renamed: a process killed mid-save leaves the previous table, not half of one.
  writeFileSync(`${path}.tmp`, JSON.stringify(items));
  renameSync(`${path}.tmp`, path);
}
