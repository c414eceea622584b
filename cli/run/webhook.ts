import { loadConfigFile } from "../../functions/config/load.js";
import type { ExecutionRecord } from "../../functions/core/executions/execution-record.js";
import type { WebhookServeOptions } from "../commands/webhook.js";
import { openLocalDynamo, openLocalReleaseStore } from "../lifecycle.js";
import { UsageError, line, paint, statusColour } from "../output.js";
import { progressPrinter } from "../progress.js";

/** Serves the webhook until Ctrl-C, each deploy it starts printed as it runs. */
export async function serveWebhook(options: WebhookServeOptions): Promise<void> {
  const secret = process.env.GANTRY_WEBHOOK_SECRET;
  if (!secret) throw new UsageError("GANTRY_WEBHOOK_SECRET is not set: export the same secret you give GitHub (or curl) to sign deliveries.");
  const config = await loadConfigFile(options.config);
  const { startWebhookServer } = await import("../../local/webhook-server.js");
  await openLocalDynamo();
  const releaseBucket = await openLocalReleaseStore();
  const printers = new Map<string, ReturnType<typeof progressPrinter>>();
  const server = await startWebhookServer({
    config,
    secret,
    releaseBucket,
    ...(process.env.GANTRY_GITHUB_TOKEN ? { githubToken: process.env.GANTRY_GITHUB_TOKEN } : {}),
    port: options.port,
    instances: options.instances,
    onDeployEvent: (execution, event) => {
      if (!printers.has(execution)) {
        line(paint("bold", `• ${execution}`));
        printers.set(execution, progressPrinter({ quiet: false, prefix: "  " }));
      }
      printers.get(execution)?.(event);
    },
    onDeployDone: (record) => {
      line(`${paint("bold", record.name)} ${statusColour(record.status)}${record.cause ? `: ${record.cause}` : ""}`);
      const github = githubReportOf(record);
      if (github) line(`  github: ${github}`);
    },
  });
  line(paint("bold", `gantry webhook listening on ${server.url}`));
  for (const [app, settings] of Object.entries(config.apps)) {
    for (const [env, environment] of Object.entries(settings.environments)) {
      const { trigger } = environment;
      const when = trigger === "push" ? "push to" : `workflow "${trigger.workflowRun}" succeeding on`;
      line(`  ${when} ${settings.repository}@${environment.branch} → deploys ${app}/${env}`);
    }
  }
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  line("stopping: closing the server; deploys still running stop with it");
  await server.close();
}

/** What the deploy's last GitHub report said, if it made one. */
function githubReportOf(record: ExecutionRecord): string | undefined {
  const outputs = record.steps.map((step) => (step.output as { github?: { message?: unknown } } | undefined)?.github?.message);
  const message = outputs.reverse().find((text) => typeof text === "string");
  return typeof message === "string" ? message : undefined;
}
