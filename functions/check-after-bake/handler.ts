import { now } from "../aws/clock.js";
import { readQueuedPush } from "../aws/deploy-lock.js";
import { retireInstances } from "../aws/group-actions.js";
import { observeFleet } from "../aws/observe.js";
import { batchInstances, decideRetire, enforceHealthDeadline, retireStatus, summarize, type Progress } from "../core/rollout.js";
import { requirePlan, requireProgress } from "../wiring/deploy-state.js";
import { gateFailure, runGate } from "../wiring/run-gate.js";
import { deployStep } from "../wiring/step.js";

/**
 * "Check after bake": once the bake time is over and the old instances have drained, gates the
 * new instances again. Also retires what the capacity floor held back at "Retire old instances".
 */
export const handler = deployStep("check-after-bake", async (state): Promise<Progress> => {
  const plan = requirePlan(state);
  const progress = requireProgress(state);
  const strategy = state.input.strategy;
  const at = now();
  const view = await observeFleet(state.input, plan);
  const where = `Batch ${progress.batch + 1} of ${plan.batchCount}, after bake`;
  const leftovers = decideRetire(plan, view, progress.batch).map((instance) => instance.id);
  await retireInstances(view.group.name, leftovers, strategy.retire);
  const verdict = await runGate(state.input, view, batchInstances(plan, view, progress), at);
  if (verdict.outcome === "fail") {
    return { ...progress, ready: false, failed: gateFailure(verdict, where), evidence: verdict.evidence, summary: summarize(plan, view, progress.batch, `gate failed: ${verdict.reason}`) };
  }
  enforceHealthDeadline(plan, strategy, progress, verdict, at);
  const retire = retireStatus(plan, strategy, view, progress, at);
  const bakeLeft = Math.ceil(((progress.bakeUntil ?? at) - at) / 1000);
  const waitReason = bakeLeft > 0 ? `baking, ${bakeLeft} s left` : (retire.waitReason ?? (verdict.outcome === "wait" ? verdict.reason : undefined));
  if (waitReason !== undefined) {
    return {
      ...progress,
      ready: false,
      waitSeconds: Math.max(1, bakeLeft > 0 ? bakeLeft : strategy.pollSeconds),
      evidence: verdict.evidence,
      summary: summarize(plan, view, progress.batch, waitReason),
    };
  }
  const last = progress.batch + 1 >= plan.batchCount;
  // A cycle gives way to a push between batches: it ends cleanly here and the next run carries on.
  const stoppedFor = plan.cycle && !last ? await readQueuedPush(state.input.app, state.input.env, at) : undefined;
  const done = last || stoppedFor !== undefined;
  const note = stoppedFor !== undefined ? `batch baked and gated; ${stoppedFor} is waiting for the lock, so the cycle stops after this batch` : last ? "last batch baked and gated" : "batch baked and gated";
  return {
    ...progress,
    ready: true,
    done,
    settledDesired: view.group.desiredCapacity - leftovers.length,
    waitSeconds: 0,
    evidence: verdict.evidence,
    ...(stoppedFor !== undefined ? { stoppedFor } : {}),
    summary: summarize(plan, view, progress.batch, note),
  };
});
