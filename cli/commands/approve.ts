import type { Command } from "commander";
import { loadCommand } from "../lifecycle.js";
import { withAwsFlags, type AwsFlags } from "../flags.js";

export interface AnswerOptions extends AwsFlags {
  reason?: string;
  local?: boolean;
  json?: boolean;
}

/** `gantry approve <execution>` and `gantry reject <execution> --reason …`: answer a deploy waiting at an approval checkpoint. */
export function registerApprovals(program: Command): void {
  const approve = program
    .command("approve")
    .description("let a deploy waiting at an approval checkpoint (strategy.approveAfter) go on to its next batch")
    .argument("<execution>", "an execution name (locally: or a unique prefix of it), or on AWS an execution ARN")
    .option("--reason <text>", "kept with the answer")
    .option("--local", "answer an execution recorded locally under .gantry/ (a gantry deploy --local running in another terminal)")
    .option("--json", "print the answer as JSON on the last line");
  withAwsFlags(approve).action(async (execution: string, options: AnswerOptions) => {
    const run = await loadCommand(() => import("../run/approve.js"));
    await run.answer("approve", execution, options);
  });
  const reject = program
    .command("reject")
    .description("reject a deploy waiting at an approval checkpoint: it rolls back through the normal rollback path")
    .argument("<execution>", "an execution name (locally: or a unique prefix of it), or on AWS an execution ARN")
    .requiredOption("--reason <text>", "why: shown with the rollback")
    .option("--local", "answer an execution recorded locally under .gantry/")
    .option("--json", "print the answer as JSON on the last line");
  withAwsFlags(reject).action(async (execution: string, options: AnswerOptions) => {
    const run = await loadCommand(() => import("../run/approve.js"));
    await run.answer("reject", execution, options);
  });
}
