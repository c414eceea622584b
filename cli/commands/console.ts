import type { Command } from "commander";
import { loadCommand } from "../lifecycle.js";
import { withAwsFlags, wholeNumber, type AwsFlags } from "../flags.js";

export interface ConsoleOptions extends AwsFlags {
  local?: boolean;
  port: number;
  json?: boolean;
}

/** The port `gantry console` listens on when --port does not say. */
export const CONSOLE_PORT = 8790;

/** `gantry console`: a web page on 127.0.0.1 that lists executions and shows one live. */
export function registerConsole(program: Command): void {
  const command = program
    .command("console")
    .description(
      "serve a live web console on 127.0.0.1: executions, one execution's states, gate evidence, cause and fleet chart; deploy and rollback with the printed token",
    )
    .option("--local", "show the executions recorded under .gantry/ and deploy to simulated groups (default: the deployed stack, with your AWS credentials)")
    .option("--port <n>", "port to listen on (0-65535; 0 picks a free one)", wholeNumber(0, 65535), CONSOLE_PORT)
    .option("--json", "print the URL and the action token as JSON on one line at start-up");
  withAwsFlags(command).action(async (options: ConsoleOptions) => {
    await (await loadCommand(() => import("../run/console.js"))).serveConsole(options);
  });
}
