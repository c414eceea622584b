import type { Command } from "commander";
import { loadCommand } from "../lifecycle.js";
import { withAwsFlags, wholeNumber, type AwsFlags } from "../flags.js";

export interface RunOptions extends AwsFlags {
  local?: boolean;
  at?: string;
  instances: number;
  failStart?: boolean;
  wait?: boolean;
  json?: boolean;
}

/**
 * `gantry schedule run <name> <start|stop>`: runs the power state machine once, as Scheduler
 * would. On AWS it starts an execution of the stack's power state machine (and with --wait
 * follows it); with --local it runs against a local cloud holding the schedule's targets (off
 * before a start, running before a stop) and prints each target's outcome.
 */
export function registerScheduleRun(schedule: Command): void {
  const command = schedule
    .command("run")
    .description("run the power state machine for one schedule now (with --local: against simulated targets on this machine)")
    .argument("<name>", "the schedule, as named in the configuration")
    .argument("<action>", '"start" or "stop"')
    .option("--local", "run against the local cloud instead of AWS")
    .option("--at <time>", "the instant the run decides for (holidays, overrides), ISO with an offset, e.g. 2026-03-24T08:00:00+02:00 (default: now)")
    .option("--instances <n>", "local instances per tag target (1-500)", wholeNumber(1, 500), 1)
    .option("--fail-start", "script the first tag target's first instance to fail its start (local only)")
    .option("--wait", "on AWS: follow the execution to its end; exit 1 if a target failed")
    .option("--json", "print the execution's outcome as JSON on the last line");
  withAwsFlags(command).action(async (name: string, action: string, options: RunOptions) => {
    const run = await loadCommand(() => import("../run/schedule-run.js"));
    process.exitCode = options.local ? await run.runScheduleHere(name, action, options) : await run.runScheduleOnAws(name, action, options);
  });
}
