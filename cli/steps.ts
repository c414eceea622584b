import type { describeStep } from "../local/execution-view.js";
import { line, paint } from "./output.js";

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
