import type { Command } from "commander";
import { loadCommand } from "../lifecycle.js";
import { withAwsFlags, type AwsFlags } from "../flags.js";

export interface AbortOptions extends AwsFlags {
  reason?: string;
  local?: boolean;
  json?: boolean;
}

/** `gantry abort <execution>`: asks a running deploy or cycle to stop at its next step and roll back. */
export function registerAbort(program: Command): void {
  const abort = program
    .command("abort")
    .description("ask a running deploy or cycle to stop at its next step and roll back; it reads the request itself, nothing is cut short mid-step")
    .argument("<execution>", "an execution name (locally: or a unique prefix of it), or on AWS an execution ARN")
    .option("--reason <text>", "why, kept with the request and shown with the rollback")
    .option("--local", "abort an execution recorded locally under .gantry/ (a gantry deploy --local running in another terminal)")
    .option("--json", "print the request as JSON on the last line");
  withAwsFlags(abort).action(async (execution: string, options: AbortOptions) => {
    const run = await loadCommand(() => import("../run/abort.js"));
    await (options.local ? run.abortHere(execution, options) : run.abortOnAws(execution, options));
  });
}
