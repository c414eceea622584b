import { GetParametersByPathCommand, SSMClient, type GetParametersByPathCommandOutput } from "@aws-sdk/client-ssm";
import { AppEnvironmentUnreadableError, AwsThrottledError, AwsTransientError } from "../../core/errors.js";
import { VARIABLE_NAME } from "../../core/releases/env-file.js";
import { classifyAwsError } from "../errors.js";
import { runtime } from "../runtime.js";

/** The SSM path under which an app/env keeps one parameter per environment variable. */
export function appEnvironmentPath(app: string, env: string): string {
  return `/gantry/${app}/${env}/env/`;
}

/**
 * The app/env's environment: every parameter under `/gantry/<app>/<env>/env/`, decrypted, by the
 * last part of its name. Not recursive: a deeper name is not a variable. Paginated (at most 10
 * parameters a page), so an environment of any size is read whole. Values are secrets: they are
 * returned, never logged.
 */
export async function readAppEnvironment(app: string, env: string): Promise<Record<string, string>> {
  const path = appEnvironmentPath(app, env);
  const variables: Record<string, string> = {};
  let nextToken: string | undefined;
  do {
    let page: GetParametersByPathCommandOutput;
    try {
      page = await runtime()
        .client(SSMClient)
        .send(new GetParametersByPathCommand({ Path: path, Recursive: false, WithDecryption: true, ...(nextToken ? { NextToken: nextToken } : {}) }));
    } catch (error) {
      throw environmentFailure(path, error);
    }
    for (const parameter of page.Parameters ?? []) {
      const name = parameter.Name?.slice(path.length) ?? "";
      if (VARIABLE_NAME.test(name)) variables[name] = parameter.Value ?? "";
    }
    nextToken = page.NextToken;
  } while (nextToken);
  return variables;
}

function environmentFailure(path: string, error: unknown): Error {
  const classified = classifyAwsError(error);
  if (classified instanceof AwsThrottledError || classified instanceof AwsTransientError) return classified;
  const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return new AppEnvironmentUnreadableError(
    `Could not read the environment under SSM path ${path} (${reason}); allow ssm:GetParametersByPath on it and kms:Decrypt on its key.`,
    { cause: error },
  );
}
