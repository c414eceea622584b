import { GetParameterCommand } from "@aws-sdk/client-ssm";
import { AwsThrottledError, AwsTransientError, WebhookNotConfiguredError, WebhookSecretUnavailableError, type GantryError } from "../core/errors.js";
import { ssm } from "./clients.js";
import { classifyAwsError } from "./errors.js";

/**
 * The secret GitHub signs deliveries with. Read once per warm container: SSM on every request
 * would add latency against GitHub's 10 s and cost a call per push. A failed read is not
 * cached, so the next delivery tries again.
 */
let cached: Promise<string> | undefined;

/**
 * The webhook secret: `GANTRY_WEBHOOK_SECRET` when set (local mode), otherwise the SecureString
 * parameter named by `GANTRY_WEBHOOK_SECRET_PARAMETER`, decrypted.
 */
export function webhookSecret(): Promise<string> {
  if (!cached) {
    const reading = readSecret();
    cached = reading;
    reading.catch(() => {
      if (cached === reading) cached = undefined;
    });
  }
  return cached;
}

/** Drops the cached secret, so the next request reads it again (tests; a rotated secret in local mode). */
export function forgetWebhookSecret(): void {
  cached = undefined;
}

async function readSecret(): Promise<string> {
  const direct = process.env.GANTRY_WEBHOOK_SECRET;
  if (direct) return direct;
  const name = process.env.GANTRY_WEBHOOK_SECRET_PARAMETER;
  if (!name) {
    throw new WebhookNotConfiguredError("Neither GANTRY_WEBHOOK_SECRET_PARAMETER (the SSM parameter holding the webhook secret) nor GANTRY_WEBHOOK_SECRET is set.");
  }
  let value: string | undefined;
  try {
    const output = await ssm.send(new GetParameterCommand({ Name: name, WithDecryption: true }));
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
  if (classified instanceof AwsThrottledError) return new AwsThrottledError(`SSM throttled reading the webhook secret from ${name} (${reason}).`, { cause: error });
  if (classified instanceof AwsTransientError) return new AwsTransientError(`SSM failed reading the webhook secret from ${name} (${reason}).`, { cause: error });
  return new WebhookSecretUnavailableError(
    `Could not read the webhook secret from SSM parameter ${name} (${reason}); check that it exists and that the webhook may call ssm:GetParameter and kms:Decrypt on it.`,
    { cause: error },
  );
}
