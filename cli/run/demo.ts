import { Demo, type DemoSummary } from "../../local/demo.js";
import { closeLocalDynamoAtExit } from "../lifecycle.js";
import { progressPrinter } from "../progress.js";
import { UsageError, line, note, paint, printJson } from "../output.js";
import type { DemoCommandOptions } from "../commands/demo.js";

/** The demo with live progress, then its summary; 1 when it did not end as it should. */
export async function runDemo(options: DemoCommandOptions): Promise<number> {
  // The demo's deploys take their lock in a local DynamoDB kept in memory: closed at exit, or it keeps the process alive.
  closeLocalDynamoAtExit();
  const quiet = Boolean(options.json);
  const printers = new Map<string, ReturnType<typeof progressPrinter>>();
  const watching = options.console ? await openDemoConsole(options.port) : undefined;
  const demo = new Demo({
    instances: options.instances,
    ...(options.inPlace ? { inPlace: true } : {}),
    onNote: (text) => !quiet && line(paint("bold", `• ${text}`)),
    ...(watching ? { onStarted: watching.watch.onStarted, onDeployStart: watching.watch.onDeployStart } : {}),
    onEvent: (release, event) => {
      if (!printers.has(release)) {
        if (!quiet) line(paint("bold", `\n• deploying ${release}`));
        printers.set(release, progressPrinter({ quiet, prefix: "  " }));
      }
      printers.get(release)?.(event);
      watching?.watch.onEvent(release, event);
    },
  });
  const stop = (signal: NodeJS.Signals) => {
    process.stderr.write(`\n${signal}: stopping every instance and port…\n`);
    void demo.shutdown().then(() => process.exit(130));
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  const summary = await demo.run().finally(() => watching?.watch.stop());
  process.off("SIGINT", stop);
  process.off("SIGTERM", stop);
  if (quiet) printJson(summary);
  else printSummary(summary);
  if (watching) await watching.untilStopped();
  return summary.ok ? 0 : 1;
}

/**
 * The console beside the demo, read-only: it shows the demo's executions (recorded where
 * `gantry status --local` reads them), each deploy's fleet and the traffic, watched in this
 * process. It offers no action: a deploy from the page would swap the local cloud the demo runs on.
 */
async function openDemoConsole(port: number) {
  const [{ startConsoleServer }, { LiveFeed }, { newActionToken }, { LocalExecutions }, { watchDemo }, { ExecutionStore }] = await Promise.all([
    import("../../console/server.js"),
    import("../../console/live-feed.js"),
    import("../../console/actions.js"),
    import("../../console/sources.js"),
    import("../../console/local-watch.js"),
    import("../../local/records.js"),
  ]);
  const feed = new LiveFeed();
  const server = await startConsoleServer({
    source: new LocalExecutions(new ExecutionStore().dir),
    live: feed,
    actions: [],
    token: newActionToken(),
    port,
    mode: "demo (read-only)",
  }).catch((error: unknown) => {
    if ((error as { code?: string }).code === "EADDRINUSE")
      throw new UsageError(`Port ${port} is in use; pass --port <n> with another port, or --port 0 for a free one.`, { cause: error });
    throw error;
  });
  note(paint("bold", `• console on ${server.url} (read-only during the demo: no actions)`));
  return {
    watch: watchDemo(feed),
    untilStopped: async () => {
      note(paint("bold", `• the console stays open on ${server.url}; Ctrl-C stops it`));
      await new Promise<void>((resolve) => {
        process.once("SIGINT", () => resolve());
        process.once("SIGTERM", () => resolve());
      });
      feed.close();
      await server.close();
    },
  };
}

function printSummary(summary: DemoSummary): void {
  line();
  line(paint("bold", `summary (${summary.mode === "in-place" ? "deployed in place, the same instances throughout" : "instances replaced"})`));
  for (const deploy of summary.deploys) {
    const colour = deploy.status === "failed" ? "red" : deploy.status === "rolled back" ? "yellow" : "green";
    line(
      `  ${deploy.release}: ${paint(colour, deploy.status)} in ${(deploy.durationMs / 1000).toFixed(1)} s, ${deploy.batches} batch(es)  ${paint("dim", deploy.execution)}`,
    );
    if (deploy.cause) line(`    ${paint("dim", deploy.cause)}`);
  }
  const failed = summary.requests.failed === 0 ? paint("green", "0 failed") : paint("red", `${summary.requests.failed} failed`);
  line(`  requests: ${summary.requests.total} sent through the load balancer, ${failed}`);
  line(`  every instance serves: ${summary.finalRelease} (${summary.instances.map((instance) => instance.id).join(", ")})`);
  line(`  total ${(summary.durationMs / 1000).toFixed(1)} s — ${summary.ok ? paint("green", "OK") : paint("red", "NOT OK")}`);
  for (const error of summary.requests.errors) line(paint("red", `  ${error}`));
}
