import { stepSummary } from "../functions/core/executions/execution-record.js";
import type { ExecutionEvent } from "../functions/core/executions/execution-record.js";
import { line as printLine, paint } from "./output.js";

/**
 * Live progress of an execution: each state as it is entered, and what each step reported
 * (batch n of m, instances launching, healthy, draining). Waits and choices stay quiet.
 */
export function progressPrinter(options: { quiet: boolean; prefix?: string; out?: (text: string) => void }): (event: ExecutionEvent) => void {
  const prefix = options.prefix ?? "";
  const line = options.out ?? printLine;
  let lastTask = "";
  let lastSummary = "";
  return (event) => {
    if (options.quiet) return;
    if (event.kind === "retried") {
      line(`${prefix}${paint("yellow", `  ↻ retrying "${event.state}" (attempt ${event.attempt + 1})`)}`);
      return;
    }
    if (event.kind === "caught") {
      line(`${prefix}${paint("red", `  ✗ "${event.state}" failed${event.error ? ` with ${event.error}` : ""}`)}`);
      return;
    }
    const { step } = event;
    if (event.kind === "entered" && (step.type === "Task" || step.type === "Fail" || step.type === "Succeed")) {
      if (step.type === "Task" && step.state === lastTask) return;
      lastTask = step.type === "Task" ? step.state : "";
      const colour = step.type === "Fail" ? "red" : step.type === "Succeed" ? "green" : "blue";
      line(`${prefix}${paint(colour, `→ ${step.state}`)}`);
      return;
    }
    if (event.kind === "exited" && step.type === "Task") {
      const summary = stepSummary(step.output);
      if (summary && summary !== lastSummary) line(`${prefix}${paint("dim", `  ${summary}`)}`);
      lastSummary = summary ?? lastSummary;
    }
  };
}
