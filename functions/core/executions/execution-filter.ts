/**
 * Which executions of the deploy state machine belong to an app/env. Names start with
 * `<app>-<env>-` (see naming.ts), but that prefix alone also matches another app/env whose
 * names extend it: hello/prod's `hello-prod-` matches hello/prod-eu's `hello-prod-eu-…`. So a
 * name is excluded when a longer configured app/env prefix matches it too.
 */
export function executionsOf(app: string, env: string, configured: readonly { app: string; env: string }[] = []): (name: string) => boolean {
  const prefix = `${app}-${env}-`;
  const longer = configured.map((other) => `${other.app}-${other.env}-`).filter((other) => other.length > prefix.length && other.startsWith(prefix));
  return (name) => name.startsWith(prefix) && !longer.some((other) => name.startsWith(other));
}
