import { now } from "../aws/clock.js";
import { observeFleet } from "../aws/rollout/observe.js";
import { checkedProgress, type BatchState } from "../core/rollout/ready-wait.js";
import { batchInstances, enforceHealthDeadline, launchStatus, ownSize, summarize, type Progress } from "../core/rollout/rollout.js";
import { requirePlan, requireProgress } from "../wiring/deploy-state.js";
import { batchFailureEvidence, explainBatchError, withEvidence } from "../wiring/explain-failure.js";
import { gateFailure, runGate } from "../wiring/run-gate.js";
import { forwardStep } from "../wiring/step.js";

/** "Check new instances": waits for the batch to be in service, then gates it. */
export const handler = forwardStep("check-new-instances", async (state): Promise<Progress> => {
  const plan = requirePlan(state);
  const progress = requireProgress(state);
  const strategy = state.input.strategy;
  const at = now();
  const view = await observeFleet(state.input, plan);
  const seenAt = now();
  const where = `Batch ${progress.batch + 1} of ${plan.batchCount}`;
  const seen = { ...progress, groupSize: ownSize(plan, view, progress.batch + 1) };
  const next = (state: BatchState) => checkedProgress(seen, state, plan.healthyAfterSeconds, strategy.pollSeconds, { startedAt: at, seenAt, endedAt: now() });
  const batch = batchInstances(plan, view, progress);
  // A batch that never comes up fails with what AWS says about it: console tails, failed activities.
  const explained = async <T>(check: () => T): Promise<T> => {
    try {
      return check();
    } catch (error) {
      throw await explainBatchError(error, view, batch, progress.batchStartedAt);
    }
  };
  const launch = await explained(() => launchStatus(plan, strategy, view, progress, at));
  if (!launch.inService) return { ...next("launching"), summary: summarize(plan, view, progress.batch, launch.waitReason ?? "launching") };
  const verdict = await runGate(state.input, view, batch, at, progress.batchStartedAt);
  if (verdict.outcome === "fail") {
    const poll = { ...seen, waitSeconds: strategy.pollSeconds };
    const failed = gateFailure(verdict, where);
    if (verdict.kind === "targets") {
      const failure = await batchFailureEvidence(view, view.fresh, progress.batchStartedAt);
      return {
        ...poll,
        failed: { ...failed, Cause: withEvidence(failed.Cause ?? "", failure) },
        evidence: { ...verdict.evidence, failure },
        summary: summarize(plan, view, progress.batch, `gate failed: ${verdict.reason}`),
      };
    }
    return { ...poll, failed, evidence: verdict.evidence, summary: summarize(plan, view, progress.batch, `gate failed: ${verdict.reason}`) };
  }
  if (verdict.outcome === "wait") {
    await explained(() => enforceHealthDeadline(plan, strategy, progress, verdict, at));
    return { ...next("in-service"), evidence: verdict.evidence, summary: summarize(plan, view, progress.batch, verdict.reason) };
  }
  return { ...next("ready"), evidence: verdict.evidence, summary: summarize(plan, view, progress.batch, "new instances healthy, gate passed") };
});
