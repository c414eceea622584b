import { now } from "../aws/clock.js";
import { retireInstances } from "../aws/rollout/group-actions.js";
import { observeFleet } from "../aws/rollout/observe.js";
import { measureLatency, waitUntil } from "../core/rollout/ready-wait.js";
import { decideRetire, ownSize, summarize, type Progress } from "../core/rollout/rollout.js";
import { requirePlan, requireProgress } from "../wiring/deploy-state.js";
import { forwardStep } from "../wiring/step.js";

/**
 * "Retire old instances": takes as many old instances out of service as the batch brought in.
 * Standby keeps them running for a fast rollback; `retire: "terminate"` drains and ends them.
 */
export const handler = forwardStep("retire-old-instances", async (state): Promise<Progress> => {
  const plan = requirePlan(state);
  const progress = requireProgress(state);
  const strategy = state.input.strategy;
  const startedAt = now();
  const view = await observeFleet(state.input, plan);
  const retirees = decideRetire(plan, view, progress.batch).map((instance) => instance.id);
  await retireInstances(view.group.name, retirees, strategy.retire);
  const at = now();
  const retiredAt = progress.retiredAt ?? at;
  const latency = measureLatency(progress, startedAt);
  // The bake and the drain both count from the retirement: the check lands when the longer ends.
  const bakedAfter = Math.max(strategy.bakeSeconds, plan.drainSeconds);
  return {
    ...progress,
    groupSize: ownSize(plan, view, progress.batch + 1),
    phase: "bake",
    ready: false,
    retiredAt,
    bakeUntil: retiredAt + strategy.bakeSeconds * 1000,
    waitSeconds: waitUntil(bakedAfter, (at - retiredAt) / 1000, latency),
    waitStartedAt: at,
    stepLatencySeconds: latency,
    summary: summarize(plan, view, progress.batch, `retiring ${retirees.length} old instance(s) (${strategy.retire})`),
  };
});
