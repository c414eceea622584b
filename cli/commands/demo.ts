import type { Command } from "commander";
import { loadCommand } from "../lifecycle.js";
import { wholeNumber } from "../flags.js";
import { UsageError } from "../output.js";
import { CONSOLE_PORT } from "./console.js";

export interface DemoCommandOptions {
  instances: number;
  json?: boolean;
  console?: boolean;
  port: number;
  inPlace?: boolean;
}

/** `gantry demo`: the local rolling deploy and automatic rollback, with live progress. */
export function registerDemo(program: Command): void {
  const command = program
    .command("demo")
    .description(
      "build the example app's releases into a local release store, then run a real rolling deploy of the second and an automatic rollback of the third on this machine, under live traffic",
    )
    .option("--instances <n>", "fleet size: real processes (1-16)", wholeNumber(1, 16), 4)
    .option("--in-place", "deploy in place: run each release's deploy command on the same instances, half the fleet at a time, instead of replacing them")
    .option("--console", "also serve the web console on 127.0.0.1 to watch the demo live (it stays open after the demo until Ctrl-C)")
    .option("--port <n>", "with --console: the console's port (0-65535; 0 picks a free one)", wholeNumber(0, 65535), CONSOLE_PORT)
    .option("--json", "print the summary as JSON on the last line");
  command.action(async (options: DemoCommandOptions) => {
    if (command.getOptionValueSource("port") === "cli" && !options.console)
      throw new UsageError("--port only applies with --console: gantry demo --console --port <n>");
    process.exitCode = await (await loadCommand(() => import("../run/demo.js"))).runDemo(options);
  });
}
