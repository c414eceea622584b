import { now } from "../aws/clock.js";
import { planPower } from "../aws/power-plan.js";
import { powerStep } from "../aws/power-step.js";
import { parsePowerInput } from "../core/power.js";
import { powerConfig } from "./config.js";

/**
 * Plan power: reads the schedule, decides whether the run does anything (a start on a holiday
 * does not), and on a stop skips the groups a deploy holds the lock on. Changes nothing.
 * Input: `{ schedule, action, at?, execution: { name, startedAt } }`; `at` defaults to the start of
 * the execution, which is when Scheduler fired it.
 */
export const handler = powerStep("plan-power", async (event) => {
  const { execution, ...rest } = (event ?? {}) as { execution?: { name?: string; startedAt?: string } };
  const input = parsePowerInput(rest);
  const at = new Date(input.at ?? execution?.startedAt ?? now());
  return planPower(powerConfig(), input, at, now(), execution?.name);
});
