import type { Command } from "commander";
import { loadCommand } from "../lifecycle.js";
import { withAwsFlags, type AwsFlags } from "../flags.js";

export interface RecoverOptions extends AwsFlags {
  local?: boolean;
  /** On AWS: follow the recovery run to its end (the default); --no-wait returns once it started. */
  wait?: boolean;
  json?: boolean;
}

/** `gantry recover <app> <env>`: repairs a rollout an execution left unfinished. */
export function registerRecover(program: Command): void {
  const recover = program
    .command("recover")
    .description(
      "repair the rollout an execution left unfinished (stopped, timed out, or its rollback failed): restores the group from its live state and tags, frees the lock, ends the release",
    )
    .argument("<app>", "the app, as in the configuration")
    .argument("<env>", "the environment")
    .option("--local", "close a rollout a killed gantry deploy --local left recorded under .gantry/")
    .option("--no-wait", "on AWS: return once the recovery run started, instead of following it to its end")
    .option("--json", "print the outcome as JSON on the last line");
  withAwsFlags(recover).action(async (app: string, env: string, options: RecoverOptions) => {
    const run = await loadCommand(() => import("../run/recover.js"));
    process.exitCode = options.local ? await run.recoverHere(app, env, options) : await run.recoverOnAws(app, env, options);
  });
}
