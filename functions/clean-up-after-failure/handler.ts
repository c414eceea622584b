import { resumeProcesses, setMaxSize } from "../aws/rollout/group-actions.js";
import { observeFleet } from "../aws/rollout/observe.js";
import { registerInstances } from "../aws/rollout/targets.js";
import type { FleetView } from "../core/fleet.js";
import { homeTargetGroups, inNoTargetGroup, missingFrom, type InPlaceBatch } from "../core/rollout/in-place.js";
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
  const registered =
    plan.mode === "in-place"
      ? await registerLeftOut(view, state.input.group.targetGroupArns, plan.previousRelease, state.rollback?.inPlace ?? state.progress?.inPlace)
      : [];
  if (registered.length > 0) view = await observeFleet(state.input, plan, state.rollback?.startedAt, { describeParked: true });
  const what = state.rollbackFailure ? "rollback" : "finish";
  const failure = state.rollbackFailure ?? state.finishFailure;
  const steps = manualStepsCause(plan, view, what, failure, state.failure ?? state.progress?.failed);
  const cause =
    registered.length > 0
      ? `${steps} Registered again in the target groups, since they run ${plan.previousRelease ?? "the previous release"}: ${registered.join(", ")}.`
      : steps;
  return { cause, summary: cause };
});

/**
 * An in-place deploy that stopped mid-batch may leave instances outside the target groups.
 * Those on the previous release are registered again (the load balancer sends them traffic
 * only once their health checks pass); any on the new release stay out for a person to judge.
 */
async function registerLeftOut(
  view: FleetView,
  targetGroupArns: readonly string[],
  previous: string | null,
  batch: InPlaceBatch | undefined,
): Promise<string[]> {
  const candidates = view.group.instances
    .filter((instance) => instance.lifecycleState === "InService" && instance.release === previous)
    .map((instance) => instance.id);
  const missing = inNoTargetGroup(view, candidates, targetGroupArns);
  if (missing.length === 0) return [];
  const homes = (id: string) => (batch ? homeTargetGroups(batch, id, targetGroupArns) : targetGroupArns);
  await registerInstances(missingFrom(view, missing, homes));
  return missing;
}
