import type { describeStep, ExecutionSummary } from "../functions/core/executions/execution-record.js";
import { line, paint, statusColour } from "./output.js";

/** A summary with where the execution lives: an AWS console link, or the local record's directory. */
export type ShownExecution = ExecutionSummary & { consoleUrl?: string; recordedIn?: string; simulated?: boolean };

/**
 * The one formatter of executions, local or on AWS. `list`: one line and the cause; `detail`:
 * also start and stop, the last step's report and the link; `outcome`: what a command that ran
 * an execution prints at its end.
 */
export function printExecution(execution: ShownExecution, level: "list" | "detail" | "outcome"): void {
  if (level === "outcome") line();
  const batch = execution.batch ? `  batch ${execution.batch.current}/${execution.batch.of}` : "";
  const took = `${execution.durationSeconds} s${execution.simulated ? " simulated" : ""}`;
  line(
    `${paint("bold", execution.name)}  ${statusColour(execution.status)}  ${execution.release}  ${execution.currentState}${batch}  ${took}, ${execution.historyEvents} history events`,
  );
  if (level === "detail") {
    line(`  started ${execution.startedAt}${execution.stoppedAt ? `, stopped ${execution.stoppedAt}` : ", still running"}`);
    if (execution.lastSummary) line(`  ${execution.lastSummary}`);
  }
  const failed = execution.status !== "SUCCEEDED" && execution.status !== "RUNNING";
  if (execution.cause) line(`  ${paint(failed ? "red" : "dim", `${failed && execution.error ? `${execution.error}: ` : ""}${execution.cause}`)}`);
  if (level === "list") return;
  if (execution.consoleUrl) line(`  ${paint("dim", execution.consoleUrl)}`);
  if (execution.recordedIn && level === "outcome")
    line(paint("dim", `recorded in ${execution.recordedIn}; see it again with: gantry history --local ${execution.name}`));
}

/** Every state of one execution, one line each with its time and what it reported, then the last gate evidence. */
export function printSteps(steps: ReturnType<typeof describeStep>[], evidence: unknown): void {
  for (const step of steps) {
    if (step.type === "Choice") continue;
    const took = step.tookSeconds !== undefined ? ` (${step.tookSeconds} s)` : "";
    line(`  ${paint("dim", `+${step.atSeconds} s`.padStart(10))}  ${step.state}${took}${step.error ? paint("red", ` ✗ ${step.error}`) : ""}`);
    if (step.summary) line(`  ${" ".repeat(10)}    ${paint("dim", step.summary)}`);
  }
  if (evidence) {
    line(paint("bold", "last gate evidence:"));
    line(JSON.stringify(evidence, null, 2));
  }
}
