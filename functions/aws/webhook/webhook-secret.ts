import { WebhookNotConfiguredError, WebhookSecretUnavailableError } from "../../core/errors.js";
import { secureStringReader } from "../secure-string.js";

/**
 * The secret GitHub signs deliveries with: `GANTRY_WEBHOOK_SECRET` when set (local mode),
 * otherwise the SecureString parameter named by `GANTRY_WEBHOOK_SECRET_PARAMETER`, decrypted,
 * read once per container.
 */
export const webhookSecret = secureStringReader({
  what: "the webhook secret",
  reader: "the webhook",
  content: "the webhook's secret",
  direct: (env) => env.webhookSecret,
  parameter: (env) => env.webhookSecretParameter,
  notConfigured: () =>
    new WebhookNotConfiguredError("Neither GANTRY_WEBHOOK_SECRET_PARAMETER (the SSM parameter holding the webhook secret) nor GANTRY_WEBHOOK_SECRET is set."),
  unavailable: (message, options) => new WebhookSecretUnavailableError(message, options),
});
