import { loadConfigFile } from "../../functions/config/load.js";
import type { WebhookServeOptions } from "../commands/webhook.js";
import { openLocalDynamo, openLocalReleaseStore } from "../lifecycle.js";
import { UsageError, line, paint } from "../output.js";
import { localDeployPrinters, serveUntilInterrupted } from "./local-serve.js";

/** Serves the webhook until Ctrl-C, each deploy it starts printed as it runs. */
export async function serveWebhook(options: WebhookServeOptions): Promise<void> {
  const secret = process.env.GANTRY_WEBHOOK_SECRET;
  if (!secret) throw new UsageError("GANTRY_WEBHOOK_SECRET is not set: export the same secret you give GitHub (or curl) to sign deliveries.");
  const config = await loadConfigFile(options.config);
  const { startWebhookServer } = await import("../../local/webhook-server.js");
  await openLocalDynamo();
  const releaseBucket = await openLocalReleaseStore();
  const server = await startWebhookServer({
    config,
    secret,
    releaseBucket,
    ...(process.env.GANTRY_GITHUB_TOKEN ? { githubToken: process.env.GANTRY_GITHUB_TOKEN } : {}),
    port: options.port,
    instances: options.instances,
    ...localDeployPrinters(),
  });
  line(paint("bold", `gantry webhook listening on ${server.url}`));
  for (const [app, settings] of Object.entries(config.apps)) {
    for (const [env, environment] of Object.entries(settings.environments)) {
      const { trigger } = environment;
      const when = trigger === "push" ? "push to" : `workflow "${trigger.workflowRun}" succeeding on`;
      line(`  ${when} ${settings.repository}@${environment.branch} → deploys ${app}/${env}`);
    }
  }
  await serveUntilInterrupted(server);
}
