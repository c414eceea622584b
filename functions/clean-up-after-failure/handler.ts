import { resumeProcesses, setMaxSize } from "../aws/rollout/group-actions.js";
import { observeFleet } from "../aws/rollout/observe.js";
import { manualStepsCause } from "../core/rollout/manual-steps.js";
import { requirePlan } from "../wiring/deploy-state.js";
import { deployStep } from "../wiring/step.js";

/**
 * "Clean up after failure": when a rollback or the finish step fails for good, still resume the
 * processes gantry suspended, put MaxSize back where desired capacity allows it, and say what
 * the fleet looks like and what a person must do.
 */
export const handler = deployStep("clean-up-after-failure", async (state) => {
  const plan = requirePlan(state);
  let view = await observeFleet(state.input, plan, state.rollback?.startedAt, { describeParked: true });
  await resumeProcesses(view.group.name, plan.suspend);
  const { maxSize, desiredCapacity } = view.group;
  if (maxSize !== plan.baseline.maxSize && desiredCapacity <= plan.baseline.maxSize) {
    await setMaxSize(view.group.name, plan.baseline.maxSize);
    view = await observeFleet(state.input, plan, state.rollback?.startedAt, { describeParked: true });
  }
  const what = state.rollbackFailure ? "rollback" : "finish";
  const failure = state.rollbackFailure ?? state.finishFailure;
  const cause = manualStepsCause(plan, view, what, failure, state.failure ?? state.progress?.failed);
  return { cause, summary: cause };
});
