import { describeStep, summarizeExecution } from "../../functions/core/executions/execution-record.js";
import type { ExecutionRecord } from "../../functions/core/executions/execution-record.js";
import { ExecutionStore } from "../../local/records.js";
import type { InspectOptions } from "../commands/inspect.js";
import { printExecution, printSteps } from "../executions.js";
import { UsageError, line, printJson } from "../output.js";

// The AWS path loads the SDK; reading local records needs none of it.
export async function statusOnAws(execution: string | undefined, options: InspectOptions): Promise<void> {
  await (await import("../aws/inspect.js")).statusOnAws(execution, options);
}

export async function historyOnAws(execution: string | undefined, options: InspectOptions): Promise<void> {
  await (await import("../aws/inspect.js")).historyOnAws(execution, options);
}

/** `gantry status --local [execution]`: the recent local executions, or the one named. */
export function statusHere(name: string | undefined, options: InspectOptions): void {
  const store = new ExecutionStore();
  if (name !== undefined) {
    const summary = summarizeExecution(recorded(store, name, "status"), Date.now());
    if (options.json) return printJson(summary);
    return printExecution(summary, "detail");
  }
  const summaries = store
    .list()
    .slice(0, options.limit ?? 10)
    .map((record) => summarizeExecution(record, Date.now()));
  if (options.json) return printJson(summaries);
  if (summaries.length === 0) return line(`No executions recorded in ${store.dir} yet. Start one with: gantry deploy v2 --local`);
  for (const summary of summaries) printExecution(summary, "list");
}

/** `gantry history --local <execution>`: every state of one local execution. */
export function historyHere(name: string | undefined, options: InspectOptions): void {
  if (name === undefined) throw new UsageError("gantry history --local needs an execution name; list them with: gantry status --local");
  const record = recorded(new ExecutionStore(), name, "history");
  const summary = summarizeExecution(record, Date.now());
  const steps = record.steps.map((step) => describeStep(step, record.startedAt));
  if (options.json) return printJson({ ...summary, steps });
  printExecution(summary, "detail");
  printSteps(steps, summary.evidence);
}

/** The execution a name or unique prefix names; a name that matches none, or several, is a usage error saying which exist. */
export function recorded(store: ExecutionStore, name: string, command: string): ExecutionRecord {
  const { record, matches } = store.lookup(name);
  if (record) return record;
  if (matches.length > 1) {
    throw new UsageError(
      `"${name}" starts ${matches.length} executions in ${store.dir} (${matches.slice(0, 5).join(", ")}${matches.length > 5 ? ", …" : ""}); give more of the name: gantry ${command} --local <name>`,
    );
  }
  const newest = store
    .list()
    .slice(0, 3)
    .map((other) => other.name);
  const known = newest.length > 0 ? ` (the newest: ${newest.join(", ")})` : "";
  throw new UsageError(`No execution named or starting with "${name}" in ${store.dir}${known}; list them with: gantry status --local`);
}
