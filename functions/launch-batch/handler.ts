import { now } from "../aws/clock.js";
import { setDesiredCapacity, setMaxSize } from "../aws/rollout/group-actions.js";
import { observeFleet } from "../aws/rollout/observe.js";
import { launchedProgress } from "../core/rollout/ready-wait.js";
import { decideLaunch, freshWanted, ownSize, summarize, type Progress } from "../core/rollout/rollout.js";
import { requirePlan, requireProgress } from "../wiring/deploy-state.js";
import { forwardStep } from "../wiring/step.js";

/** "Launch batch": raises desired capacity so the group launches the next batch on the new release. */
export const handler = forwardStep("launch-batch", async (state): Promise<Progress> => {
  const plan = requirePlan(state);
  const previous = requireProgress(state);
  const batch = previous.batch + 1;
  const startedAt = now();
  const view = await observeFleet(state.input, plan);
  const { desired, raiseMaxTo } = decideLaunch(plan, view, batch, previous.settledDesired ?? plan.baseline.desiredCapacity);
  if (raiseMaxTo !== undefined) await setMaxSize(view.group.name, raiseMaxTo);
  if (desired !== undefined) await setDesiredCapacity(view.group.name, desired);
  const launchedAt = now();
  return {
    batch,
    phase: "launch",
    ready: false,
    done: false,
    batchStartedAt: startedAt,
    ...launchedProgress(previous, state.input.strategy.pollSeconds, { startedAt, seenAt: launchedAt, endedAt: launchedAt }),
    ...(previous.settledDesired !== undefined ? { settledDesired: previous.settledDesired } : {}),
    // Seen before the surge when this step raised desired capacity; on a retry the surge is in already.
    groupSize: ownSize(plan, view, desired !== undefined ? batch : batch + 1),
    summary: summarize(
      plan,
      view,
      batch,
      `launching ${plan.batchSizes[batch]} (desired ${desired ?? view.group.desiredCapacity}, ${freshWanted(plan, batch)} new wanted${raiseMaxTo !== undefined ? `, MaxSize raised to ${raiseMaxTo} for the surge` : ""})`,
    ),
  };
});
