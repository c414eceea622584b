import type { Command } from "commander";
import { loadCommand } from "../lifecycle.js";
import { withAwsFlags, wholeNumber, type AwsFlags } from "../flags.js";

export interface InspectOptions extends AwsFlags {
  local?: boolean;
  app?: string;
  env?: string;
  limit?: number;
  json?: boolean;
}

/** `gantry status` and `gantry history`: recorded executions, as the console would show them. */
export function registerInspect(program: Command): void {
  const status = program
    .command("status")
    .description(
      "one execution on AWS (default: the latest of --app/--env): status, current state, batch progress, cause, console link; with --local: the recent local executions, or the one named",
    )
    .argument("[execution]", "an execution name (locally: or a unique prefix of it), or on AWS an execution ARN")
    .option("--local", "read executions recorded locally under .gantry/")
    .option("--app <name>", "on AWS: the app whose latest execution to show")
    .option("--env <name>", "on AWS: the environment whose latest execution to show")
    .option("--limit <n>", "local: how many to list (1-1000)", wholeNumber(1, 1000), 10)
    .option("--json", "print the result as JSON on the last line");
  withAwsFlags(status).action(async (execution: string | undefined, options: InspectOptions) => {
    const run = await loadCommand(() => import("../run/inspect.js"));
    await (options.local ? run.statusHere(execution, options) : run.statusOnAws(execution, options));
  });

  const history = program
    .command("history")
    .description(
      "the executions of --app/--env on AWS, newest first, with release, start/stop and console link; with an execution: its every state, timings, what each step reported, and the gate evidence",
    )
    .argument("[execution]", "execution name (locally: or a unique prefix of it, as gantry status --local lists it), or on AWS an execution ARN")
    .option("--local", "read executions recorded locally under .gantry/")
    .option("--app <name>", "on AWS: the app whose executions to list")
    .option("--env <name>", "on AWS: the environment whose executions to list")
    .option("--limit <n>", "on AWS: how many executions to list (1-1000)", wholeNumber(1, 1000), 20)
    .option("--json", "print the history as JSON on the last line");
  withAwsFlags(history).action(async (name: string | undefined, options: InspectOptions) => {
    const run = await loadCommand(() => import("../run/inspect.js"));
    await (options.local ? run.historyHere(name, options) : run.historyOnAws(name, options));
  });
}
