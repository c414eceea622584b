import { now } from "../aws/clock.js";
import { planPower } from "../aws/power/power-plan.js";
import { runtime } from "../aws/runtime.js";
import { planPowerInputSchema } from "../core/power/power.js";
import { powerStep } from "../wiring/step.js";

/**
 * Plan power: reads the schedule, decides whether the run does anything (a start on a holiday
 * does not), and on a stop skips the groups a deploy holds the lock on. Changes nothing.
 * Input: `{ schedule, action, at?, execution: { name, startedAt } }`; `at` defaults to the start of
 * the execution, which is when Scheduler fired it.
 */
export const handler = powerStep("plan-power", planPowerInputSchema, async ({ execution, ...input }) => {
  const at = new Date(input.at ?? execution?.startedAt ?? now());
  return planPower(runtime().config(), input, at, now(), execution?.name);
});
