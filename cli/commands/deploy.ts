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
  inPlace?: boolean;
  dryRun?: boolean;
  ignoreWindow?: boolean;
  json?: boolean;
}

/** What a local deploy's simulated group and strategy are when no flag says otherwise (the console's deploys take them too). */
export const LOCAL_DEPLOY_DEFAULTS = {
  instances: 4,
  from: EXAMPLE_RELEASES.first,
  batches: "25%",
  bakeSeconds: 60,
  minHealthyPercent: 100,
  retire: "standby",
} as const;

/** The flags that shape the simulated group and its strategy: on AWS the configuration decides. */
const LOCAL_ONLY = ["instances", "from", "batches", "bakeSeconds", "minHealthyPercent", "retire", "inPlace"];

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
    .option("--instances <n>", "local group size (1-5000)", wholeNumber(1, 5000), LOCAL_DEPLOY_DEFAULTS.instances)
    .option("--from <release>", "release the local group runs before the deploy", LOCAL_DEPLOY_DEFAULTS.from)
    .option("--batches <list>", 'local: comma-separated batch steps, counts or percentages, e.g. "1,25%,100%"', LOCAL_DEPLOY_DEFAULTS.batches)
    .option(
      "--bake-seconds <n>",
      "local: seconds to watch each batch after the old instances leave (0-3600)",
      wholeNumber(0, 3600),
      LOCAL_DEPLOY_DEFAULTS.bakeSeconds,
    )
    .option(
      "--min-healthy-percent <n>",
      "local: capacity floor, percent of desired capacity (0-100)",
      wholeNumber(0, 100),
      LOCAL_DEPLOY_DEFAULTS.minHealthyPercent,
    )
    .addOption(
      new Option("--retire <how>", 'local: old instances go to "standby" (fast rollback) or are drained and "terminate"d')
        .choices(["standby", "terminate"])
        .default(LOCAL_DEPLOY_DEFAULTS.retire),
    )
    .option(
      "--in-place",
      "local: run the release's deploy command on the same instances, batch by batch, instead of replacing them (needs --min-healthy-percent below 100)",
    )
    .option("--ignore-window", "on AWS: deploy now even outside strategy.deployWindow or a freeze (the execution says what the window said and who passed it)")
    .option("--dry-run", "show the plan; change nothing")
    .option("--json", "print the execution summary as JSON on the last line");
  withAwsFlags(command).action(async (release: string, options: DeployOptions) => {
    const given = (name: string) => command.getOptionValueSource(name) === "cli";
    if (options.local && options.ignoreWindow) {
      throw new UsageError("--ignore-window applies on AWS, where strategy.deployWindow comes from the configuration: a --local deploy has no deploy window.");
    }
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
