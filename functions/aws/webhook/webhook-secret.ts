import { GetParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { AwsThrottledError, AwsTransientError, WebhookNotConfiguredError, WebhookSecretUnavailableError, type GantryError } from "../../core/errors.js";
import { ANSWER_FAST } from "../clients.js";
import { runtime, type Runtime } from "../runtime.js";
import { classifyAwsError } from "../errors.js";

/**
 * The secret GitHub signs deliveries with. Read once per runtime, so once per warm container:
 * SSM on every request would add latency against GitHub's 10 s and cost a call per push. A
 * failed read is not cached, so the next delivery tries again.
 */
const cache = new WeakMap<Runtime, Promise<string>>();

/**
 * The webhook secret: `GANTRY_WEBHOOK_SECRET` when set (local mode), otherwise the SecureString
 * parameter named by `GANTRY_WEBHOOK_SECRET_PARAMETER`, decrypted.
 */
export function webhookSecret(): Promise<string> {
  const current = runtime();
  let reading = cache.get(current);
  if (!reading) {
    const started = readSecret(current);
    reading = started;
    cache.set(current, started);
    started.catch(() => {
      if (cache.get(current) === started) cache.delete(current);
    });
  }
  return reading;
}

async function readSecret({ env, client }: Runtime): Promise<string> {
  const direct = env.webhookSecret;
  if (direct) return direct;
  const name = env.webhookSecretParameter;
  if (!name) {
    throw new WebhookNotConfiguredError(
      "Neither GANTRY_WEBHOOK_SECRET_PARAMETER (the SSM parameter holding the webhook secret) nor GANTRY_WEBHOOK_SECRET is set.",
    );
  }
  let value: string | undefined;
  try {
    const output = await client(SSMClient, ANSWER_FAST).send(new GetParameterCommand({ Name: name, WithDecryption: true }));
    value = output.Parameter?.Value;
  } catch (error) {
    throw secretFailure(name, error);
  }
  if (!value) throw new WebhookSecretUnavailableError(`SSM parameter ${name} has no value; put the webhook's secret in it.`);
  return value;
}

/** Throttling and outages stay retryable (the answer says "redeliver"); anything else needs fixing. */
function secretFailure(name: string, error: unknown): GantryError {
  const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  const classified = classifyAwsError(error);
  if (classified instanceof AwsThrottledError)
    return new AwsThrottledError(`SSM throttled reading the webhook secret from ${name} (${reason}).`, { cause: error });
  if (classified instanceof AwsTransientError)
    return new AwsTransientError(`SSM failed reading the webhook secret from ${name} (${reason}).`, { cause: error });
  return new WebhookSecretUnavailableError(
    `Could not read the webhook secret from SSM parameter ${name} (${reason}); check that it exists and that the webhook may call ssm:GetParameter and kms:Decrypt on it.`,
    { cause: error },
  );
}
