import { join } from "node:path";
import type { Command } from "commander";
import { loadConfigFile } from "../../functions/config/load.js";
import { ensureLocalDynamo } from "../../local/dynamo-session.js";
import { gantryHome } from "../../local/records.js";
import { startWebhookServer } from "../../local/webhook-server.js";
import { progressPrinter } from "../progress.js";
import { UsageError, line, paint, statusColour } from "../output.js";

/** `gantry webhook serve`: the webhook handler behind a local HTTP server, deploying locally. */
export function registerWebhook(program: Command): void {
  const webhook = program.command("webhook").description("the GitHub webhook that turns pushes into deploys");
  webhook
    .command("serve")
    .description("serve the webhook on 127.0.0.1 and run the deploys it starts locally (secret from GANTRY_WEBHOOK_SECRET)")
    .option("--port <n>", "port to listen on", "8787")
    .option("--config <path>", "the gantry configuration", "gantry.config.ts")
    .option("--instances <n>", "instances of each simulated group", "4")
    .action(async (options: { port: string; config: string; instances: string }) => {
      const secret = process.env.GANTRY_WEBHOOK_SECRET;
      if (!secret) throw new UsageError("GANTRY_WEBHOOK_SECRET is not set: export the same secret you give GitHub (or curl) to sign deliveries.");
      const port = Number(options.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port ${JSON.stringify(options.port)} is not a port number (0-65535).`);
      const config = await loadConfigFile(options.config);
      await ensureLocalDynamo({ persistTo: join(gantryHome(), "dynamo.json") });
      const printers = new Map<string, ReturnType<typeof progressPrinter>>();
      const server = await startWebhookServer({
        config,
        secret,
        port,
        instances: Number(options.instances) || 4,
        onDeployEvent: (execution, event) => {
          if (!printers.has(execution)) {
            line(paint("bold", `• ${execution}`));
            printers.set(execution, progressPrinter({ quiet: false, prefix: "  " }));
          }
          printers.get(execution)?.(event);
        },
        onDeployDone: (record) => line(`${paint("bold", record.name)} ${statusColour(record.status)}${record.cause ? `: ${record.cause}` : ""}`),
      });
      line(paint("bold", `gantry webhook listening on ${server.url}`));
      for (const [app, settings] of Object.entries(config.apps)) {
        for (const [env, environment] of Object.entries(settings.environments)) line(`  push to ${settings.repository}@${environment.branch} → deploys ${app}/${env}`);
      }
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once("SIGINT", stop);
        process.once("SIGTERM", stop);
      });
      line("stopping: closing the server; deploys still running stop with it");
      await server.close();
    });
}
