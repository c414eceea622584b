import { deployInputFor, type GantryConfig } from "../../functions/core/config/config.js";
import { InvalidDeployInputError } from "../../functions/core/errors.js";
import { parseDeployInput, type DeployInputRaw } from "../../functions/core/config/input.js";
import { executionName } from "../../functions/core/executions/naming.js";
import { cliActor } from "../flags.js";
import { UsageError, printJson } from "../output.js";
import { followExecution, type FollowOptions } from "./follow.js";
import { startOnStack } from "./start.js";
import { configFor, configuredRegion, connect } from "./target.js";
import type { AwsFlags } from "../flags.js";

export interface AwsDeployOptions extends AwsFlags {
  app: string;
  env: string;
  wait?: boolean;
  dryRun?: boolean;
  ignoreWindow?: boolean;
  json?: boolean;
}

/** The deploy input of `release` for an app/env, from the configuration; a bad release id is a usage error. */
export function cliDeployInput(
  config: GantryConfig,
  app: string,
  env: string,
  release: DeployInputRaw["release"],
  trigger: NonNullable<DeployInputRaw["trigger"]>,
  flags: { dryRun?: boolean; ignoreWindow?: boolean } = {},
): DeployInputRaw {
  const input = {
    ...deployInputFor(config, app, env, release, trigger),
    ...(flags.dryRun ? { dryRun: true } : {}),
    ...(flags.ignoreWindow ? { ignoreWindow: true } : {}),
  };
  try {
    parseDeployInput(input);
  } catch (error) {
    if (error instanceof InvalidDeployInputError) throw new UsageError(error.message);
    throw error;
  }
  return input;
}

/**
 * `gantry deploy <release>` on AWS: starts the stack's deploy state machine with the
 * configuration's input for the app/env, and with --wait (or --dry-run, whose point is the
 * plan it prints) follows it to the end. Returns the exit code: 1 for a failed or rolled-back deploy.
 */
export async function deployOnAws(release: string, options: AwsDeployOptions, follow: FollowOptions = {}, ref?: string): Promise<number> {
  const config = (await configFor(options, true)) as GantryConfig;
  const now = (follow.now ?? Date.now)();
  const input = cliDeployInput(
    config,
    options.app,
    options.env,
    { id: release, ...(ref ? { ref } : {}) },
    { source: "cli", actor: cliActor(), receivedAt: now },
    { dryRun: options.dryRun, ignoreWindow: options.ignoreWindow },
  );
  const target = await connect(options, configuredRegion(config, options.app, options.env));
  const name = executionName(options.app, options.env, release, now.toString(36));
  const started = await startOnStack(target, { name, input }, { json: Boolean(options.json) });
  if (!options.wait && !options.dryRun) {
    if (options.json) printJson(started);
    return 0;
  }
  return (await followExecution(target, started.executionArn, { ...follow, json: Boolean(options.json) })).exitCode;
}
