import type { Command } from "commander";
import { loadCommand } from "../lifecycle.js";
import { withAwsFlags, wholeNumber, type AwsFlags } from "../flags.js";

export interface ReleasesOptions extends AwsFlags {
  local?: boolean;
  limit: number;
  json?: boolean;
}

export interface RollbackOptions extends AwsFlags {
  to?: string;
  local?: boolean;
  instances: number;
  wait?: boolean;
  json?: boolean;
}

/** `gantry releases` and `gantry rollback`: the numbered release history of an app/env. */
export function registerReleases(program: Command): void {
  const releases = program
    .command("releases")
    .description("list the releases of an app/env, newest first: v42, its commit, who triggered it, how it ended")
    .argument("<app>")
    .argument("<env>")
    .option("--local", "read the history kept locally under .gantry/")
    .option("--limit <n>", "how many to show (1-1000)", wholeNumber(1, 1000), 20)
    .option("--json", "print the releases as JSON on the last line");
  withAwsFlags(releases).action(async (app: string, env: string, options: ReleasesOptions) => {
    await (await loadCommand(() => import("../run/releases.js"))).listReleases(app, env, options);
  });

  const rollback = program
    .command("rollback")
    .description(
      "deploy an earlier release of an app/env again, through the same state machine (default: the one before the current); on AWS, while a deploy holds the app/env lock (running, or inside its keepOldFor window), ask that deploy to roll back instead",
    )
    .argument("<app>")
    .argument("<env>")
    .option("--to <label>", "the release to go back to, e.g. v41")
    .option("--local", "run against a simulated group on this machine, using the local release history")
    .option("--instances <n>", "local group size (1-5000)", wholeNumber(1, 5000), 4)
    .option("--wait", "on AWS: follow the execution to its end; exit 1 if it failed or rolled back")
    .option("--json", "print the execution summary as JSON on the last line");
  withAwsFlags(rollback).action(async (app: string, env: string, options: RollbackOptions) => {
    process.exitCode = await (await loadCommand(() => import("../run/releases.js"))).rollback(app, env, options);
  });
}
