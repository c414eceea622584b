import { join, resolve } from "node:path";

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
  const [session, { gantryHome }, { provideRuntime }, { createLocalRuntime }] = await Promise.all([
    import("../local/dynamo-session.js"),
    import("../local/records.js"),
    import("../functions/aws/runtime.js"),
    import("../local/runtime.js"),
  ]);
  await session.ensureLocalDynamo({ persistTo: join(gantryHome(), "dynamo.json") });
  closers.push(session.closeLocalDynamo);
  // The release history and lock adapters read the table through the runtime: local mode's reaches dynalite.
  provideRuntime(createLocalRuntime());
}

/**
 * Starts the local release store (s3rver) on `.gantry/s3`, so releases created by one command
 * are there for the next, and closes it at exit. Returns the bucket local runtimes name.
 */
export async function openLocalReleaseStore(): Promise<string> {
  const [{ ensureLocalS3, closeLocalS3 }, { gantryHome }] = await Promise.all([import("../local/s3/index.js"), import("../local/records.js")]);
  const store = await ensureLocalS3({ directory: resolve(gantryHome(), "s3") });
  closers.push(closeLocalS3);
  return store.bucket;
}

/** Closes at exit the local DynamoDB a command's runs start on their own (in memory, not saved). */
export function closeLocalDynamoAtExit(): void {
  closers.push(async () => (await import("../local/dynamo-session.js")).closeLocalDynamo());
}

/**
 * Loads a command's code. With GANTRY_STARTUP_TIMING set, says on stderr how long after the
 * process started the command took over (`dispatch`: all that start-up costs every command)
 * and when its code had loaded (`loaded`): what `npm run bench` measures.
 */
export async function loadCommand<T>(load: () => Promise<T>): Promise<T> {
  const timing = Boolean(process.env.GANTRY_STARTUP_TIMING);
  if (timing) process.stderr.write(`gantry-startup dispatch ${Math.round(performance.now())}\n`);
  const module = await load();
  if (timing) process.stderr.write(`gantry-startup loaded ${Math.round(performance.now())}\n`);
  return module;
}
