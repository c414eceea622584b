import { loadConfigFile } from "../../functions/config/load.js";
import type { ConsoleOptions } from "../commands/console.js";
import { openLocalDynamo } from "../lifecycle.js";
import { UsageError, line, paint, printJson } from "../output.js";

/** `gantry console`: serves the page until Ctrl-C. */
export async function serveConsole(options: ConsoleOptions): Promise<void> {
  const [{ startConsoleServer }, { LiveFeed }, { newActionToken }] = await Promise.all([
    import("../../console/server.js"),
    import("../../console/live-feed.js"),
    import("../../console/actions.js"),
  ]);
  const feed = new LiveFeed();
  const token = newActionToken();
  let served: Pick<Parameters<typeof startConsoleServer>[0], "source" | "actions" | "mode">;
  if (options.local) {
    const config = await loadConfigFile(options.config);
    const [{ LocalExecutions }, { ExecutionStore }, { localConsoleActions }] = await Promise.all([
      import("../../console/sources.js"),
      import("../../local/records.js"),
      import("./console-actions.js"),
    ]);
    await openLocalDynamo();
    await (await import("./console-actions.js")).buildLocalExampleReleases();
    served = { source: new LocalExecutions(new ExecutionStore().dir), actions: localConsoleActions(config, options, feed), mode: "local" };
  } else {
    served = await (await import("../aws/console.js")).awsConsole(options);
  }
  let server: Awaited<ReturnType<typeof startConsoleServer>>;
  try {
    server = await startConsoleServer({ ...served, live: feed, token, port: options.port });
  } catch (error) {
    if ((error as { code?: string }).code === "EADDRINUSE")
      throw new UsageError(`Port ${options.port} is in use; pass --port <n> with another port, or --port 0 for a free one.`, { cause: error });
    throw error;
  }
  if (options.json) printJson({ url: server.url, token, mode: served.mode });
  else {
    line(paint("bold", `gantry console on ${server.url}`));
    line(`  action token: ${token}`);
    line(paint("dim", `  ${served.source.where}; without the token the page is read-only. Ctrl-C stops it.`));
  }
  await new Promise<void>((resolve) => {
    process.once("SIGINT", () => resolve());
    process.once("SIGTERM", () => resolve());
  });
  feed.close();
  await server.close();
}
