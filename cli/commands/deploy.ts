import { Option, type Command } from "commander";
import { EXAMPLE_RELEASES } from "../../local/example-release-ids.js";
import { loadCommand } from "../lifecycle.js";
import { withAwsFlags, wholeNumber, type AwsFlags } from "../flags.js";
import { UsageError } from "../output.js";

export interface DeployOptions extends AwsFlags {
  local?: boolean;
  app: string;
  env: string;
  wait?: boolean;
  instances: number;
  from: string;
  batches: string;
  bakeSeconds: number;
  minHealthyPercent: number;
  retire: "standby" | "terminate";
  dryRun?: boolean;
  json?: boolean;
}

/** The flags that shape the simulated group and its strategy: on AWS the configuration decides. */
const LOCAL_ONLY = ["instances", "from", "batches", "bakeSeconds", "minHealthyPercent", "retire"];

export function registerDeploy(program: Command): void {
  const command = program
    .command("deploy")
    .description("roll a release across an Auto Scaling group through the deployed stack (with --local: a simulated group on this machine)")
    .argument(
      "<release>",
      `what to deploy: a release id (the commit's first 12 hex), a full or short commit SHA, or a git ref, resolved with git rev-parse (--local: examples/hello-app/releases has ${Object.values(EXAMPLE_RELEASES).join(", ")})`,
    )
    .option("--local", "run against the local cloud instead of AWS")
    .option("--app <name>", "app name in the configuration (required on AWS)", "hello")
    .option("--env <name>", "environment name in the configuration (required on AWS)", "prod")
    .option("--wait", "on AWS: follow the execution to its end; exit 1 if it failed or rolled back")
    .option("--instances <n>", "local group size (1-5000)", wholeNumber(1, 5000), 4)
    .option("--from <release>", "release the local group runs before the deploy", EXAMPLE_RELEASES.first)
    .option("--batches <list>", 'local: comma-separated batch steps, counts or percentages, e.g. "1,25%,100%"', "25%")
    .option("--bake-seconds <n>", "local: seconds to watch each batch after the old instances leave (0-3600)", wholeNumber(0, 3600), 60)
    .option("--min-healthy-percent <n>", "local: capacity floor, percent of desired capacity (0-100)", wholeNumber(0, 100), 100)
    .addOption(
      new Option("--retire <how>", 'local: old instances go to "standby" (fast rollback) or are drained and "terminate"d')
        .choices(["standby", "terminate"])
        .default("standby"),
    )
    .option("--dry-run", "show the plan; change nothing")
    .option("--json", "print the execution summary as JSON on the last line");
  withAwsFlags(command).action(async (release: string, options: DeployOptions) => {
    const given = (name: string) => command.getOptionValueSource(name) === "cli";
    if (!options.local) {
      const localOnly = LOCAL_ONLY.filter(given);
      if (localOnly.length > 0) {
        const flags = localOnly.map((name) => `--${name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`).join(", ");
        throw new UsageError(`${flags} only apply with --local: on AWS the group, strategy and gates come from ${options.config}.`);
      }
      if (!given("app") || !given("env"))
        throw new UsageError(
          `gantry deploy on AWS needs --app <name> and --env <name>, e.g. gantry deploy ${release} --app hello --env prod (or --local for a simulated group).`,
        );
    }
    const run = await loadCommand(() => import("../run/deploy.js"));
    const resolved = await run.resolveRelease(release);
    process.exitCode = options.local ? await run.deployHere(resolved, options) : await run.deployToAws(resolved, options);
  });
}
