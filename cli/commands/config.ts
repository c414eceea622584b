import type { Command } from "commander";
import { UsageError } from "../output.js";
import { loadCommand } from "../lifecycle.js";
import { withAwsFlags, wholeNumber, type AwsFlags } from "../flags.js";

export interface ConfigOptions extends AwsFlags {
  local?: boolean;
  json?: boolean;
}

export interface ConfigGetOptions extends ConfigOptions {
  showValues?: boolean;
}

export interface ConfigChangeOptions extends ConfigOptions {
  /** Commander's `--no-deploy`: false when given. */
  deploy: boolean;
  wait?: boolean;
  instances: number;
}

/**
 * `gantry config get|set|unset`: the app/env's environment, one SSM SecureString per variable
 * under /gantry/<app>/<env>/env/. A change is a new release of the slug that runs, rolled out
 * through the deploy state machine like any other.
 */
export function registerConfig(program: Command): void {
  const config = program.command("config").description("read and change an app/env's environment (SSM Parameter Store); a change deploys as a new release");

  const get = config
    .command("get")
    .description("show the app/env's environment variables and their SSM versions; values masked unless --show-values")
    .argument("<app>")
    .argument("<env>")
    .argument("[key]", "one variable only")
    .option("--show-values", "print the values themselves (they are secrets: mind who watches your screen)")
    .option("--local", "read the local parameter store kept under .gantry/")
    .option("--json", "print the variables as JSON on the last line");
  withAwsFlags(get).action(async (app: string, env: string, key: string | undefined, options: ConfigGetOptions) => {
    await (await loadCommand(() => import("../run/config.js"))).configGet(app, env, key, options);
  });

  const change = (name: "set" | "unset", description: string, argument: string, argumentHelp: string) =>
    withAwsFlags(
      config
        .command(name)
        .description(description)
        .argument("<app>")
        .argument("<env>")
        .argument(argument, argumentHelp)
        .option("--no-deploy", "write SSM and create the release, but do not deploy it")
        .option("--wait", "on AWS: follow the deploy to its end; exit 1 if it failed or rolled back")
        .option("--local", "use the local parameter store and release store, and deploy on a simulated group")
        .option("--instances <n>", "local group size (1-5000)", wholeNumber(1, 5000), 4)
        .option("--json", "print the release (and the deploy's summary) as JSON on the last line"),
    );

  change(
    "set",
    "set variables (KEY=VALUE …) in SSM, create a release of the running slug with them and deploy it",
    "<assignments...>",
    "KEY=VALUE, one or more",
  ).action(async (app: string, env: string, assignments: string[], options: ConfigChangeOptions, command: Command) => {
    refuseLocalOnly(options, command);
    process.exitCode = await (await loadCommand(() => import("../run/config.js"))).configChange(app, env, { set: assignments }, options);
  });
  change(
    "unset",
    "remove variables from SSM, create a release of the running slug without them and deploy it",
    "<keys...>",
    "variable names, one or more",
  ).action(async (app: string, env: string, keys: string[], options: ConfigChangeOptions, command: Command) => {
    refuseLocalOnly(options, command);
    process.exitCode = await (await loadCommand(() => import("../run/config.js"))).configChange(app, env, { unset: keys }, options);
  });
}

/** The simulated group's size only means something locally: on AWS the configuration names the group. */
function refuseLocalOnly(options: ConfigChangeOptions, command: Command): void {
  if (!options.local && command.getOptionValueSource("instances") === "cli") {
    throw new UsageError(`--instances only applies with --local: on AWS the group comes from ${options.config}.`);
  }
}
