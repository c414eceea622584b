import { startLocalDynamo, type LocalDynamo } from "./dynamo/index.js";

/**
 * One local DynamoDB per process, started on first use: every local execution takes its
 * app/env lock and records its release there, through the same adapters as on AWS.
 */
let session: Promise<LocalDynamo> | undefined;

export function ensureLocalDynamo(): Promise<LocalDynamo> {
  session ??= startLocalDynamo();
  return session;
}

/** Stops the local DynamoDB, if one runs; a CLI command calls this before it exits. */
export async function closeLocalDynamo(): Promise<void> {
  const running = session;
  session = undefined;
  if (running) await (await running).close();
}
