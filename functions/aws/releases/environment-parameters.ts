import {
  DeleteParametersCommand,
  GetParametersByPathCommand,
  GetParametersCommand,
  PutParameterCommand,
  SSMClient,
  type GetParametersByPathCommandOutput,
} from "@aws-sdk/client-ssm";
import { AppEnvironmentUnreadableError, AwsThrottledError, AwsTransientError, ConfigWriteIncompleteError } from "../../core/errors.js";
import { parsePinsFile, type EnvironmentPins } from "../../core/releases/config-release.js";
import { environmentPath, parameterName, variableOf, type ConfigWritePlan, type StoredVariable } from "../../core/releases/environment.js";
import { classifyAwsError } from "../errors.js";
import { runtime } from "../runtime.js";

/** DeleteParameters and GetParameters take at most 10 names a call. */
const DELETE_BATCH = 10;
const GET_BATCH = 10;

const ssm = () => runtime().client(SSMClient);

/**
 * The app/env's environment as SSM holds it now: each variable's value (decrypted) and its
 * parameter version, which a release pins. Paginated (10 a page); values are returned, never logged.
 */
export async function readEnvironmentParameters(app: string, env: string): Promise<Record<string, StoredVariable>> {
  const path = environmentPath(app, env);
  const variables: Record<string, StoredVariable> = {};
  let nextToken: string | undefined;
  do {
    let page: GetParametersByPathCommandOutput;
    try {
      page = await ssm().send(
        new GetParametersByPathCommand({ Path: path, Recursive: false, WithDecryption: true, ...(nextToken ? { NextToken: nextToken } : {}) }),
      );
    } catch (error) {
      throw failure(
        error,
        (reason) =>
          new AppEnvironmentUnreadableError(
            `Could not read the environment under SSM path ${path} (${reason}); allow ssm:GetParametersByPath on it and kms:Decrypt on its key.`,
            { cause: error },
          ),
      );
    }
    for (const parameter of page.Parameters ?? []) {
      const name = variableOf(app, env, parameter.Name ?? "");
      if (name !== undefined && parameter.Version !== undefined) variables[name] = { value: parameter.Value ?? "", version: parameter.Version };
    }
    nextToken = page.NextToken;
  } while (nextToken);
  return variables;
}

/** What a release made now pins: every variable of the app/env at the SSM version it has. */
export async function readEnvironmentPins(app: string, env: string): Promise<EnvironmentPins> {
  const variables = await readEnvironmentParameters(app, env);
  return Object.fromEntries(Object.entries(variables).map(([name, variable]) => [name, variable.version]));
}

/**
 * The environment a release runs, as the bootstrap reads it: the values of exactly the SSM
 * versions its `env` object pins (`name:version`, 10 a call), decrypted. A pinned version SSM no
 * longer has fails with the selector and the fix, rather than boot with a variable missing.
 */
export async function readPinnedEnvironment(app: string, env: string, pinsText: string): Promise<Record<string, string>> {
  const pins = parsePinsFile(app, env, pinsText);
  const selectors = Object.keys(pins).map((name) => `${parameterName(app, env, name)}:${pins[name]}`);
  const variables: Record<string, string> = {};
  for (let start = 0; start < selectors.length; start += GET_BATCH) {
    const batch = selectors.slice(start, start + GET_BATCH);
    let answer;
    try {
      answer = await ssm().send(new GetParametersCommand({ Names: batch, WithDecryption: true }));
    } catch (error) {
      throw failure(
        error,
        (reason) =>
          new AppEnvironmentUnreadableError(`Could not read ${batch.join(", ")} from SSM (${reason}); allow ssm:GetParameters on them.`, { cause: error }),
      );
    }
    const missing = answer.InvalidParameters ?? [];
    if (missing.length > 0) {
      throw new AppEnvironmentUnreadableError(
        `SSM has no ${missing.join(", ")}, which the release pins: set the variable again (gantry config set) and deploy the new release.`,
      );
    }
    for (const parameter of answer.Parameters ?? []) {
      const name = variableOf(app, env, parameter.Name ?? "");
      if (name !== undefined) variables[name] = parameter.Value ?? "";
    }
  }
  return variables;
}

/** What a write did: the version each put made, and the variables removed. */
export interface ConfigWriteResult {
  versions: Record<string, number>;
  removed: string[];
}

/**
 * Writes a change to SSM: each put a SecureString (Overwrite, so an existing variable gets a new
 * version and keeps its old ones for the releases that pin them), then the deletes. SSM has no
 * transaction, so a failure partway throws ConfigWriteIncompleteError naming what was written
 * and what was not; the caller makes no release of a half-written change.
 */
export async function writeEnvironment(app: string, env: string, plan: ConfigWritePlan): Promise<ConfigWriteResult> {
  const versions: Record<string, number> = {};
  const removed: string[] = [];
  const pending = () => [
    ...plan.put.map(({ name }) => name).filter((name) => versions[name] === undefined),
    ...plan.remove.filter((name) => !removed.includes(name)),
  ];
  const stopped = (what: string, error: unknown) =>
    failure(error, (reason) => {
      const written = [...Object.keys(versions).map((name) => `${name} (version ${versions[name]})`), ...removed.map((name) => `${name} (removed)`)];
      return new ConfigWriteIncompleteError(
        `${what} failed (${reason}): written ${written.length > 0 ? written.join(", ") : "nothing"}; not written ${pending().join(", ")}. No release was made; run the same command again once ${parameterName(app, env, "*")} is writable (ssm:PutParameter, ssm:DeleteParameters, kms:Encrypt).`,
        { cause: error },
      );
    });
  for (const { name, value } of plan.put) {
    const parameter = parameterName(app, env, name);
    try {
      const answer = await ssm().send(new PutParameterCommand({ Name: parameter, Value: value, Type: "SecureString", Overwrite: true }));
      versions[name] = answer.Version ?? 1;
    } catch (error) {
      throw stopped(`Writing ${parameter}`, error);
    }
  }
  for (let start = 0; start < plan.remove.length; start += DELETE_BATCH) {
    const batch = plan.remove.slice(start, start + DELETE_BATCH);
    try {
      const answer = await ssm().send(new DeleteParametersCommand({ Names: batch.map((name) => parameterName(app, env, name)) }));
      // A name SSM no longer has is as removed as one it deleted now: the end state is the same.
      const gone = [...(answer.DeletedParameters ?? []), ...(answer.InvalidParameters ?? [])].map((parameter) => variableOf(app, env, parameter));
      removed.push(...batch.filter((name) => gone.includes(name)));
    } catch (error) {
      throw stopped(`Removing ${batch.map((name) => parameterName(app, env, name)).join(", ")}`, error);
    }
  }
  return { versions, removed };
}

/** Throttling and outages keep their retryable names (the CLI says so); anything else gets the message `explain` builds. */
function failure(error: unknown, explain: (reason: string) => Error): Error {
  const reason = error instanceof Error ? `${error.name}: ${error.message || "no message"}` : String(error);
  const classified = classifyAwsError(error);
  if (classified instanceof AwsThrottledError || classified instanceof AwsTransientError) {
    const explained = explain(reason);
    return explained instanceof ConfigWriteIncompleteError ? explained : classified;
  }
  return explain(reason);
}
