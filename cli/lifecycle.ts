import { join } from "node:path";
import { gantryHome } from "../local/records.js";

/**
 * What must be closed before the CLI exits (the local DynamoDB, which also saves the table),
 * registered by the commands that opened it: start-up loads none of it.
 */
const closers: (() => Promise<void>)[] = [];

export async function closeOpened(): Promise<void> {
  for (const close of closers.splice(0).reverse()) await close();
}

/** Starts the local DynamoDB, kept in `.gantry/dynamo.json` between commands, and closes it at exit. */
export async function openLocalDynamo(): Promise<void> {
  const session = await import("../local/dynamo-session.js");
  await session.ensureLocalDynamo({ persistTo: join(gantryHome(), "dynamo.json") });
  closers.push(session.closeLocalDynamo);
}
