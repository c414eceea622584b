import type { Command } from "commander";
import { DEFAULT_CONFIG } from "../flags.js";
import { loadCommand } from "../lifecycle.js";

export interface InitOptions {
  stack?: string;
  /** false with --no-stack: ask for the values instead of reading a stack. */
  fromStack: boolean;
  region?: string;
  profile?: string;
  config: string;
  repository?: string;
  branch: string;
  versionPath: string;
  json?: boolean;
}

/** `gantry init <app> <env>`: writes the app/env's section of gantry.config.ts from its fleet stack. */
export function registerInit(program: Command): void {
  program
    .command("init")
    .description("write an app/env's section of gantry.config.ts from its fleet stack's outputs (or from answers, with --no-stack)")
    .argument("<app>")
    .argument("<env>")
    .option("--stack <name>", "the fleet's CloudFormation stack (default: <app>-<env>-fleet)")
    .option("--no-stack", "no fleet stack: ask for the group, target groups, region, port and VPC on stdin")
    .option("--region <region>", "AWS region of the fleet stack (default: AWS_REGION, then your profile's)")
    .option("--profile <name>", "AWS profile from your shared config")
    .option("--config <path>", "the gantry configuration to write (created when it does not exist)", DEFAULT_CONFIG)
    .option("--repository <owner/name>", "the app's GitHub repository (needed when the app is new to the config)")
    .option("--branch <name>", "pushes to this branch deploy the env", "main")
    .option("--version-path <path>", "the app's version endpoint the HTTP gate checks", "/version")
    .option("--json", "print what was written as JSON on the last line")
    .action(async (app: string, env: string, options: Omit<InitOptions, "fromStack" | "stack"> & { stack?: string | boolean }) => {
      const fromStack = options.stack !== false;
      const stack = typeof options.stack === "string" ? options.stack : undefined;
      await (await loadCommand(() => import("../run/init.js"))).init(app, env, { ...options, stack, fromStack });
    });
}
