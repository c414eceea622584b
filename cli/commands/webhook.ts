import type { Command } from "commander";
import { loadCommand } from "../lifecycle.js";
import { withAwsFlags, wholeNumber, type AwsFlags } from "../flags.js";

export interface WebhookServeOptions {
  port: number;
  config: string;
  instances: number;
}

export interface WebhookSecretOptions extends Omit<AwsFlags, "stack"> {
  value?: string;
  fromStdin?: boolean;
  generate?: boolean;
  parameter?: string;
  json?: boolean;
}

export interface WebhookGithubOptions extends AwsFlags {
  json?: boolean;
}

/**
 * `gantry webhook serve`: the webhook handler behind a local HTTP server, deploying locally;
 * `gantry webhook secret set`: GitHub's webhook secret into SSM; `gantry webhook github`: the
 * settings to give GitHub.
 */
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
  const set = webhook
    .command("secret")
    .description("the webhook's secret in SSM Parameter Store")
    .command("set")
    .description("store the webhook secret as an SSM SecureString (overwriting): from --value, --from-stdin, or --generate a new one")
    .option("--value <secret>", "the secret (visible in your shell history: prefer --from-stdin)")
    .option("--from-stdin", "read the secret from the first line of stdin")
    .option("--generate", "generate a random 32-byte secret and print it once, to paste into GitHub")
    .option("--parameter <name>", "the SSM parameter (default: infrastructure.webhookSecretParameter, else /gantry/webhook-secret)")
    .option("--json", "print the result as JSON on the last line");
  set
    .option("--region <region>", "AWS region of the gantry stack (default: AWS_REGION, then the configured region, then your profile's)")
    .option("--profile <name>", "AWS profile from your shared config")
    .option("--config <path>", "the gantry configuration", "gantry.config.ts")
    .action(async (options: WebhookSecretOptions) => {
      await (await loadCommand(() => import("../run/webhook-secret.js"))).setWebhookSecret(options);
    });
  const github = webhook
    .command("github")
    .description("print the GitHub webhook settings of the deployed gantry stack: payload URL, content type, secret, events")
    .option("--json", "print the settings as JSON on the last line");
  withAwsFlags(github).action(async (options: WebhookGithubOptions) => {
    await (await loadCommand(() => import("../run/webhook-secret.js"))).printGithubSettings(options);
  });
}
