/**
 * The app/env's environment in local mode. Local mode has no parameter store yet, so its
 * releases carry an empty environment; on AWS, functions/aws/releases/app-environment.ts reads
 * SSM. The signature is the same, so `gantry release create` takes either.
 */
export async function localAppEnvironment(_app: string, _env: string): Promise<Record<string, string>> {
  return {};
}
