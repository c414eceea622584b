import type { Command } from "commander";
import { describeStep, summarizeExecution, type ExecutionSummary } from "../../local/execution-view.js";
import { ExecutionStore } from "../../local/records.js";
import { UsageError, line, paint, printJson, statusColour } from "../output.js";

interface InspectOptions {
  local?: boolean;
  json?: boolean;
  limit?: string;
}

function needLocal(options: InspectOptions, command: string): void {
  if (!options.local) throw new UsageError(`gantry ${command} needs --local for now: reading executions from AWS comes with the infrastructure (issue 5).`);
}

/** `gantry status` and `gantry history`: recorded executions, as the console would show them. */
export function registerInspect(program: Command): void {
  program
    .command("status")
    .description("list recent executions: name, status, current state, batch progress, timings")
    .option("--local", "read executions recorded locally under .gantry/")
    .option("--limit <n>", "how many to show", "10")
    .option("--json", "print the list as JSON on the last line")
    .action((options: InspectOptions) => {
      needLocal(options, "status");
      const store = new ExecutionStore();
      const summaries = store.list().slice(0, Number(options.limit) || 10).map((record) => summarizeExecution(record, Date.now()));
      if (options.json) return printJson(summaries);
      if (summaries.length === 0) return line(`No executions recorded in ${store.dir} yet. Start one with: gantry deploy v2 --local`);
      for (const summary of summaries) printSummary(summary);
    });

  program
    .command("history")
    .description("every state of one execution, with timings, what each step reported, and the gate evidence")
    .argument("<execution>", "execution name (or a unique prefix of it), as gantry status lists it")
    .option("--local", "read executions recorded locally under .gantry/")
    .option("--json", "print the history as JSON on the last line")
    .action((name: string, options: InspectOptions) => {
      needLocal(options, "history");
      const store = new ExecutionStore();
      const record = store.find(name);
      if (!record) throw new UsageError(`No execution named or starting with "${name}" in ${store.dir}; list them with: gantry status --local`);
      const summary = summarizeExecution(record, Date.now());
      const steps = record.steps.map((step) => describeStep(step, record.startedAt));
      if (options.json) return printJson({ ...summary, steps });
      printSummary(summary);
      for (const step of steps) {
        if (step.type === "Choice") continue;
        const took = step.tookSeconds !== undefined ? ` (${step.tookSeconds} s)` : "";
        line(`  ${paint("dim", `+${step.atSeconds} s`.padStart(10))}  ${step.state}${took}${step.error ? paint("red", ` ✗ ${step.error}`) : ""}`);
        if (step.summary) line(`  ${" ".repeat(10)}    ${paint("dim", step.summary)}`);
      }
      if (summary.evidence) {
        line(paint("bold", "last gate evidence:"));
        line(JSON.stringify(summary.evidence, null, 2));
      }
    });
}

function printSummary(summary: ExecutionSummary): void {
  const batch = summary.batch ? `batch ${summary.batch.current}/${summary.batch.of}` : "";
  line(`${paint("bold", summary.name)}  ${statusColour(summary.status)}  ${summary.release}  ${summary.currentState}  ${batch}  ${summary.durationSeconds} s`);
  if (summary.cause) line(`  ${summary.cause}`);
}
