/** The events gantry's webhook acts on; GitHub sends `ping` by itself when the hook is made. */
export const WEBHOOK_EVENTS = ["push"] as const;

/** What to enter in GitHub (repository → Settings → Webhooks → Add webhook), field by field. */
export function githubWebhookSettings(payloadUrl: string, secretParameter: string) {
  return {
    payloadUrl,
    contentType: "application/json",
    secret: `the value stored in the SSM SecureString ${secretParameter} (gantry webhook secret set)`,
    sslVerification: "enabled",
    events: `Let me select individual events: ${WEBHOOK_EVENTS.join(", ")} (or "Just the push event")`,
    active: true,
  };
}

/** The settings as one line, for a stack output. */
export function githubWebhookSettingsLine(payloadUrl: string, secretParameter: string): string {
  const settings = githubWebhookSettings(payloadUrl, secretParameter);
  return `Payload URL ${settings.payloadUrl} | Content type ${settings.contentType} | Secret: ${settings.secret} | SSL verification enabled | Events: Just the push event | Active`;
}
