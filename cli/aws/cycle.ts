import type { GantryConfig } from "../../functions/core/config/config.js";
import { cycleInputFor } from "../../functions/core/cycle/cycle.js";
import { executionName } from "../../functions/core/executions/naming.js";
import { printJson } from "../output.js";
import { cliActor } from "../flags.js";
import { followExecution, type FollowOptions } from "./follow.js";
import { startOnStack } from "./start.js";
import { configFor, configuredRegion, connect } from "./target.js";
import type { AwsFlags } from "../flags.js";

export interface AwsCycleOptions extends AwsFlags {
  dryRun?: boolean;
  wait?: boolean;
  json?: boolean;
}

/**
 * `gantry cycle <app> <env>` on AWS: starts a cycle run on the stack's deploy state machine
 * with the same input its schedule carries (from `cycleInputFor`), the trigger saying who ran
 * it. With --wait, or --dry-run (whose point is the preview it prints), follows it to the end.
 * Returns the exit code: 1 for a run that failed or rolled back.
 */
export async function cycleOnAws(app: string, env: string, options: AwsCycleOptions, follow: FollowOptions = {}): Promise<number> {
  const config = (await configFor(options, true)) as GantryConfig;
  const now = (follow.now ?? Date.now)();
  const input = { ...cycleInputFor(config, app, env, { source: "cli", actor: cliActor(), receivedAt: now }), ...(options.dryRun ? { dryRun: true } : {}) };
  const target = await connect(options, configuredRegion(config, app, env));
  const started = await startOnStack(target, { name: executionName(app, env, "cycle", now.toString(36)), input }, { json: Boolean(options.json) });
  if (!options.wait && !options.dryRun) {
    if (options.json) printJson(started);
    return 0;
  }
  return (await followExecution(target, started.executionArn, { ...follow, json: Boolean(options.json) })).exitCode;
}
