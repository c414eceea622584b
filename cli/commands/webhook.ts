import type { Command } from "commander";
import { loadCommand } from "../lifecycle.js";
import { wholeNumber } from "../flags.js";

export interface WebhookServeOptions {
  port: number;
  config: string;
  instances: number;
}

/** `gantry webhook serve`: the webhook handler behind a local HTTP server, deploying locally. */
export function registerWebhook(program: Command): void {
  const webhook = program.command("webhook").description("the GitHub webhook that turns pushes into deploys");
  webhook
    .command("serve")
    .description("serve the webhook on 127.0.0.1 and run the deploys it starts locally (secret from GANTRY_WEBHOOK_SECRET)")
    .option("--port <n>", "port to listen on (0-65535; 0 picks a free one)", wholeNumber(0, 65535), 8787)
    .option("--config <path>", "the gantry configuration", "gantry.config.ts")
    .option("--instances <n>", "instances of each simulated group (1-5000)", wholeNumber(1, 5000), 4)
    .action(async (options: WebhookServeOptions) => {
      await (await loadCommand(() => import("../run/webhook.js"))).serveWebhook(options);
    });
}
