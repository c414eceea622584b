import { now } from "../aws/clock.js";
import { readQueuedPush } from "../aws/lock/deploy-lock.js";
import { detachAndTerminate, retireInstances, setMaxSize } from "../aws/rollout/group-actions.js";
import { standbyExcess } from "../core/rollout/keep-old.js";
import { observeFleet } from "../aws/rollout/observe.js";
import { bakedProgress, decideAfterBake } from "../core/rollout/bake.js";
import { approvalCheckpoint } from "../core/rollout/approvals.js";
import { measureLatency } from "../core/rollout/ready-wait.js";
import { batchInstances, decideRetire, ownSize, restoredMaxSize, summarize, type Progress } from "../core/rollout/rollout.js";
import { requirePlan, requireProgress } from "../wiring/deploy-state.js";
import { gateFailure, runGate } from "../wiring/run-gate.js";
import { forwardStep } from "../wiring/step.js";

/**
 * "Check after bake": once the bake time is over and the old instances have drained, gates the
 * new instances again. Also retires what the capacity floor held back at "Retire old instances".
 */
export const handler = forwardStep("check-after-bake", async (state): Promise<Progress> => {
  const plan = requirePlan(state);
  const previous = requireProgress(state);
  const at = now();
  const view = await observeFleet(state.input, plan);
  const progress: Progress = { ...previous, stepLatencySeconds: measureLatency(previous, at), groupSize: ownSize(plan, view, previous.batch + 1) };
  const leftovers = decideRetire(plan, view, progress.batch).map((instance) => instance.id);
  await retireInstances(view.group.name, leftovers, state.input.strategy.retire);
  const verdict = await runGate(state.input, view, batchInstances(plan, view, progress), at, progress.batchStartedAt);
  if (verdict.outcome === "fail") {
    const where = `Batch ${progress.batch + 1} of ${plan.batchCount}, after bake`;
    return {
      ...progress,
      ready: false,
      failed: gateFailure(verdict, where),
      evidence: verdict.evidence,
      summary: summarize(plan, view, progress.batch, `gate failed: ${verdict.reason}`),
    };
  }
  const decision = decideAfterBake(plan, state.input.strategy, view, progress, verdict, at);
  if (decision.outcome === "wait") {
    return {
      ...progress,
      ready: false,
      waitSeconds: decision.waitSeconds,
      waitStartedAt: now(),
      evidence: verdict.evidence,
      summary: summarize(plan, view, progress.batch, decision.reason),
    };
  }
  // Passed: Standby keeps the old instances of the last standbyBatches batches only.
  const parked = view.retired.filter((instance) => instance.lifecycleState === "Standby").sort((a, b) => (a.launchedAt ?? 0) - (b.launchedAt ?? 0));
  const excess = standbyExcess(plan.batchSizes, progress.batch, state.input.strategy.standbyBatches, parked.length);
  if (excess > 0)
    await detachAndTerminate(
      view.group.name,
      parked.slice(0, excess).map((instance) => instance.id),
    );
  // The batch is in and its old instances retired: MaxSize raised for its surge goes back.
  const maxSize = restoredMaxSize(plan, view);
  if (maxSize !== undefined) await setMaxSize(view.group.name, maxSize);
  // A cycle gives way to a push between batches: it ends cleanly here and the next run carries on.
  const stoppedFor = decision.askQueuedPush ? await readQueuedPush(state.input.app, state.input.env, at) : undefined;
  const baked = bakedProgress(plan, view, progress, verdict.evidence, leftovers.length, decision.last, stoppedFor);
  // An approval checkpoint: "Batch complete?" sends the run to "Wait for approval" with this.
  const rest: Progress = { ...baked };
  delete rest.approval;
  if (!plan.approvals?.includes(progress.batch)) return { ...rest, waitStartedAt: now() };
  const approval = approvalCheckpoint(progress.batch, plan.batchCount, state.input.strategy.approvalTimeout, at);
  const summary = summarize(
    plan,
    view,
    progress.batch,
    `batch baked and gated; waiting for approval (gantry approve ${state.execution?.name ?? "<execution>"})`,
  );
  return { ...rest, approval, summary, waitStartedAt: now() };
});
