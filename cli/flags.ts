import { InvalidArgumentError, type Command } from "commander";
import { DEFAULT_STACK_NAME } from "../functions/core/config/stack-outputs.js";

/** The flags every command that reaches the deployed stack takes. */
export interface AwsFlags {
  region?: string;
  profile?: string;
  stack: string;
  config: string;
}

export const DEFAULT_CONFIG = "gantry.config.ts";

/** Adds --region, --profile, --stack and --config to a command. */
export function withAwsFlags(command: Command): Command {
  return command
    .option("--region <region>", "AWS region of the gantry stack (default: AWS_REGION, then the app/env's configured region, then your profile's)")
    .option("--profile <name>", "AWS profile from your shared config (default: AWS_PROFILE, then the standard credential chain)")
    .option("--stack <name>", "name of the gantry CloudFormation stack", DEFAULT_STACK_NAME)
    .option("--config <path>", "the gantry configuration", DEFAULT_CONFIG);
}

/**
 * The parser of every numeric option: a whole number within bounds, or commander's usage error
 * naming the option and the value (`option '--limit <n>' argument '-1' is invalid`) followed by
 * the range, so `--instances 1000000000` never reaches code that would build a billion of them.
 */
export function wholeNumber(min: number, max: number): (text: string) => number {
  return (text) => {
    const value = /^\s*-?\d+\s*$/.test(text) ? Number(text) : Number.NaN;
    if (!Number.isSafeInteger(value) || value < min || value > max) {
      throw new InvalidArgumentError(`It takes a whole number from ${min} to ${max}.`);
    }
    return value;
  };
}

/** Who runs the CLI, as the release history shows it. */
export function cliActor(): string {
  return process.env.USER ?? process.env.USERNAME ?? "someone";
}
