import { ChatNotConfiguredError, SlackSigningSecretUnavailableError } from "../../core/errors.js";
import { secureStringReader } from "../secure-string.js";

/**
 * The Slack app's signing secret: `GANTRY_SLACK_SIGNING_SECRET` when set (local mode), otherwise
 * the SecureString parameter named by `GANTRY_SLACK_SIGNING_SECRET_PARAMETER`, decrypted, read
 * once per container (Slack gives a slash command 3 s, so one SSM call per request would hurt).
 */
export const slackSigningSecret = secureStringReader({
  what: "the Slack signing secret",
  reader: "the chat function",
  content: "the Slack app's signing secret (Basic Information → App Credentials)",
  direct: (env) => env.slackSigningSecret,
  parameter: (env) => env.slackSigningSecretParameter,
  notConfigured: () =>
    new ChatNotConfiguredError(
      "Neither GANTRY_SLACK_SIGNING_SECRET_PARAMETER (the SSM parameter holding the Slack signing secret) nor GANTRY_SLACK_SIGNING_SECRET is set.",
    ),
  unavailable: (message, options) => new SlackSigningSecretUnavailableError(message, options),
});
