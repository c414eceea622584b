import type { Command } from "commander";
import { loadCommand } from "../lifecycle.js";
import { wholeNumber } from "../flags.js";

/** `gantry demo`: the local rolling deploy and automatic rollback, with live progress. */
export function registerDemo(program: Command): void {
  program
    .command("demo")
    .description(
      "build the example app's releases into a local release store, then run a real rolling deploy of the second and an automatic rollback of the third on this machine, under live traffic",
    )
    .option("--instances <n>", "fleet size: real processes (1-16)", wholeNumber(1, 16), 4)
    .option("--json", "print the summary as JSON on the last line")
    .action(async (options: { instances: number; json?: boolean }) => {
      process.exitCode = await (await loadCommand(() => import("../run/demo.js"))).runDemo(options);
    });
}
