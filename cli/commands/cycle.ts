import type { Command } from "commander";
import { EXAMPLE_RELEASES } from "../../local/example-release-ids.js";
import { loadCommand } from "../lifecycle.js";
import { withAwsFlags, wholeNumber, type AwsFlags } from "../flags.js";
import { UsageError } from "../output.js";

export interface CycleOptions extends AwsFlags {
  local?: boolean;
  demo?: boolean;
  dryRun?: boolean;
  wait?: boolean;
  json?: boolean;
  instances: number;
  ages: string;
  from: string;
  at?: string;
}

/** Options that describe the local simulated group only. */
const LOCAL_ONLY = ["instances", "ages", "from", "at"] as const;

/** A group with instances of mixed ages: three over the example's 14 days, three under. */
const DEMO_AGES = "20d,3d,18d,2d,16d,1d";

export function registerCycle(program: Command): void {
  const command = program
    .command("cycle")
    .description("replace the instances of an app/env older than its cycling.maxAge, on the same release (with --local: a simulated group)")
    .argument("<app>", "app name in the configuration, e.g. hello")
    .argument("<env>", "environment name, e.g. prod")
    .option("--local", "run against the local cloud instead of AWS")
    .option("--dry-run", "list which instances would go, in which batch; change nothing")
    .option("--demo", "with --local: show the group's ages before and after, and the capacity floor held")
    .option("--wait", "on AWS: follow the run to its end; exit 1 if it failed or rolled back")
    .option("--instances <n>", "local group size (1-5000)", wholeNumber(1, 5000), 6)
    .option("--ages <list>", "ages of the local group's instances, in launch order, repeated to fill the group", DEMO_AGES)
    .option("--from <release>", "release the local group runs", EXAMPLE_RELEASES.first)
    .option("--at <time>", "the local cloud's clock at the start (ISO 8601; default: now)")
    .option("--json", "print the result as JSON on the last line");
  withAwsFlags(command).action(async (app: string, env: string, options: CycleOptions, self: Command) => {
    if (options.demo && !options.local) throw new UsageError(`--demo runs on a simulated group: add --local (gantry cycle ${app} ${env} --local --demo).`);
    // These shape the simulated group; on AWS the group is the real one, so they would be ignored silently.
    const localOnly = LOCAL_ONLY.filter((flag) => self.getOptionValueSource(flag) === "cli");
    if (localOnly.length > 0 && !options.local) {
      const given = localOnly.map((flag) => `--${flag}`).join(", ");
      const many = localOnly.length > 1;
      throw new UsageError(
        `${given} ${many ? "describe" : "describes"} the simulated group of --local; on AWS the real group is cycled. Add --local (gantry cycle ${app} ${env} --local …) or leave ${many ? "them" : "it"} out.`,
      );
    }
    const run = await loadCommand(() => import("../run/cycle.js"));
    process.exitCode = options.local ? await run.cycleHere(app, env, options) : await run.cycleOnAws(app, env, options);
  });
}
