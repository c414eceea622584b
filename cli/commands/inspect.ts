import type { Command } from "commander";
import { describeStep, summarizeExecution, type ExecutionSummary } from "../../local/execution-view.js";
import { ExecutionStore } from "../../local/records.js";
import { printSteps } from "../steps.js";
import { UsageError, line, paint, printJson, statusColour } from "../output.js";
import { historyOnAws, statusOnAws, type AwsInspectOptions } from "../aws/inspect.js";
import { withAwsFlags } from "../aws/target.js";

interface InspectOptions extends AwsInspectOptions {
  local?: boolean;
  json?: boolean;
  limit?: string;
}

/** `gantry status` and `gantry history`: recorded executions, as the console would show them. */
export function registerInspect(program: Command): void {
  const status = program
    .command("status")
    .description("one execution on AWS (default: the latest of --app/--env): status, current state, batch progress, cause, console link; with --local: the recent local executions")
    .argument("[execution]", "on AWS: an execution name of the deploy state machine, or an execution ARN")
    .option("--local", "read executions recorded locally under .gantry/")
    .option("--app <name>", "on AWS: the app whose latest execution to show")
    .option("--env <name>", "on AWS: the environment whose latest execution to show")
    .option("--limit <n>", "local: how many to show", "10")
    .option("--json", "print the result as JSON on the last line");
  withAwsFlags(status).action(async (execution: string | undefined, options: InspectOptions) => {
    if (!options.local) {
      await statusOnAws(execution, options);
      return;
    }
    const store = new ExecutionStore();
    const summaries = store.list().slice(0, Number(options.limit) || 10).map((record) => summarizeExecution(record, Date.now()));
    if (options.json) return printJson(summaries);
    if (summaries.length === 0) return line(`No executions recorded in ${store.dir} yet. Start one with: gantry deploy v2 --local`);
    for (const summary of summaries) printSummary(summary);
  });

  const history = program
    .command("history")
    .description("the executions of --app/--env on AWS, newest first, with release, start/stop and console link; with an execution: its every state, timings, what each step reported, and the gate evidence")
    .argument("[execution]", "execution name (locally: or a unique prefix of it, as gantry status --local lists it), or on AWS an execution ARN")
    .option("--local", "read executions recorded locally under .gantry/")
    .option("--app <name>", "on AWS: the app whose executions to list")
    .option("--env <name>", "on AWS: the environment whose executions to list")
    .option("--limit <n>", "on AWS: how many executions to list", "20")
    .option("--json", "print the history as JSON on the last line");
  withAwsFlags(history).action(async (name: string | undefined, options: InspectOptions) => {
    if (!options.local) {
      await historyOnAws(name, options);
      return;
    }
    if (name === undefined) throw new UsageError("gantry history --local needs an execution name; list them with: gantry status --local");
    const store = new ExecutionStore();
    const record = store.find(name);
    if (!record) throw new UsageError(`No execution named or starting with "${name}" in ${store.dir}; list them with: gantry status --local`);
    const summary = summarizeExecution(record, Date.now());
    const steps = record.steps.map((step) => describeStep(step, record.startedAt));
    if (options.json) return printJson({ ...summary, steps });
    printSummary(summary);
    printSteps(steps, summary.evidence);
  });
}

function printSummary(summary: ExecutionSummary): void {
  const batch = summary.batch ? `batch ${summary.batch.current}/${summary.batch.of}` : "";
  line(`${paint("bold", summary.name)}  ${statusColour(summary.status)}  ${summary.release}  ${summary.currentState}  ${batch}  ${summary.durationSeconds} s`);
  if (summary.cause) line(`  ${summary.cause}`);
}
