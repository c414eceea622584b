import { randomBytes } from "node:crypto";
import { createInterface } from "node:readline";
import { PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { createRuntime } from "../../functions/aws/runtime.js";
import { stackOutput } from "../../functions/aws/executions/stack.js";
import { githubWebhookSettings } from "../../functions/core/webhook/github-settings.js";
import { DEFAULT_WEBHOOK_SECRET_PARAMETER } from "../../functions/core/config/stack-outputs.js";
import type { WebhookGithubOptions, WebhookSecretOptions } from "../commands/webhook.js";
import { configFor, connect } from "../aws/target.js";
import { UsageError, line, printJson } from "../output.js";

/** Stores the secret GitHub signs deliveries with as a SecureString, overwriting the one before. */
export async function setWebhookSecret(options: WebhookSecretOptions): Promise<void> {
  const sources = [options.value !== undefined, Boolean(options.fromStdin), Boolean(options.generate)].filter(Boolean).length;
  if (sources !== 1) throw new UsageError("Give the secret one way: --value <secret>, --from-stdin, or --generate.");
  const secret = options.generate ? randomBytes(32).toString("hex") : options.fromStdin ? await firstLine() : (options.value as string);
  // GitHub takes any secret; one this short could be guessed from signed deliveries.
  if (secret.length < 16) throw new UsageError(`The secret is ${secret.length} characters long: give at least 16 (or use --generate).`);
  const config = await configFor({ ...options, stack: "" }, false);
  const name = options.parameter ?? config?.infrastructure?.webhookSecretParameter ?? DEFAULT_WEBHOOK_SECRET_PARAMETER;
  const regions = [...new Set(Object.values(config?.apps ?? {}).flatMap((app) => Object.values(app.environments).map((environment) => environment.region)))];
  const region = options.region ?? process.env.AWS_REGION ?? (regions.length === 1 ? regions[0] : undefined);
  const aws = createRuntime({ settings: { ...(region ? { region } : {}), ...(options.profile ? { profile: options.profile } : {}) } });
  const ssm = aws.client(SSMClient);
  const result = await ssm.send(new PutParameterCommand({ Name: name, Value: secret, Type: "SecureString", Overwrite: true }));
  const where = await ssm.config.region();
  if (options.json) {
    printJson({ parameter: name, region: where, version: result.Version ?? null, ...(options.generate ? { secret } : {}) });
    return;
  }
  line(`stored the webhook secret in SSM ${name} (SecureString, version ${result.Version ?? "?"}) in ${where}`);
  if (options.generate) line(`secret (paste into GitHub's webhook "Secret"; it is not shown again): ${secret}`);
}

/** The GitHub settings of the deployed stack's webhook. */
export async function printGithubSettings(options: WebhookGithubOptions): Promise<void> {
  const config = await configFor(options, false);
  const regions = [...new Set(Object.values(config?.apps ?? {}).flatMap((app) => Object.values(app.environments).map((environment) => environment.region)))];
  const target = await connect(options, regions.length === 1 ? regions[0] : undefined);
  const settings = githubWebhookSettings(stackOutput(target.stack, "webhookUrl"), stackOutput(target.stack, "webhookSecretParameter"));
  if (options.json) {
    printJson(settings);
    return;
  }
  line("GitHub → your repository → Settings → Webhooks → Add webhook:");
  line(`  Payload URL:       ${settings.payloadUrl}`);
  line(`  Content type:      ${settings.contentType}`);
  line(`  Secret:            ${settings.secret}`);
  line(`  SSL verification:  ${settings.sslVerification}`);
  line(`  Events:            ${settings.events}`);
  line("  Active:            checked");
}

async function firstLine(): Promise<string> {
  const readline = createInterface({ input: process.stdin, terminal: false });
  try {
    const next = await readline[Symbol.asyncIterator]().next();
    const text = next.done ? "" : String(next.value).trim();
    if (!text) throw new UsageError('--from-stdin read no secret: pipe it in, e.g. printf %s "$SECRET" | gantry webhook secret set --from-stdin');
    return text;
  } finally {
    readline.close();
  }
}
