import { resumeProcesses } from "../aws/group-actions.js";
import { observeFleet } from "../aws/observe.js";
import { manualStepsCause } from "../core/manual-steps.js";
import { requirePlan } from "../wiring/deploy-state.js";
import { deployStep } from "../wiring/step.js";

/**
 * "Clean up after failure": when a rollback or the finish step fails for good, still resume the
 * processes gantry suspended, and say what the fleet looks like and what a person must do.
 */
export const handler = deployStep("clean-up-after-failure", async (state) => {
  const plan = requirePlan(state);
  const view = await observeFleet(state.input);
  await resumeProcesses(view.group.name, plan.suspend);
  const what = state.rollbackFailure ? "rollback" : "finish";
  const failure = state.rollbackFailure ?? state.finishFailure;
  const cause = manualStepsCause(plan, view, what, failure, state.failure);
  return { cause, summary: cause };
});
