import type { FleetView } from "../fleet.js";
import type { GateEvidence, GateVerdict } from "./gate.js";
import type { Strategy } from "../config/input.js";
import type { RolloutPlan } from "./plan.js";
import { waitUntil } from "./ready-wait.js";
import { enforceHealthDeadline, retireStatus, summarize, type Progress } from "./rollout.js";

/**
 * What "Check after bake" should do once its gate has not failed: wait (bake time left, old
 * instances still draining, or the gate still waiting), or count the batch as baked. A baked
 * batch of a cycle that is not the last asks whether a push is queued, so the cycle can give way.
 */
export type BakeDecision = { outcome: "wait"; waitSeconds: number; reason: string } | { outcome: "baked"; last: boolean; askQueuedPush: boolean };

/**
 * Decides after the bake, at `now`. A wait ends `progress.stepLatencySeconds` (the latency just
 * measured) before the bake does, so the next check starts on time. Throws the health or retire
 * deadline's error when the batch has waited too long, so the rollout rolls back.
 */
export function decideAfterBake(
  plan: RolloutPlan,
  strategy: Strategy,
  view: FleetView,
  progress: Progress,
  verdict: Exclude<GateVerdict, { outcome: "fail" }>,
  now: number,
): BakeDecision {
  enforceHealthDeadline(plan, strategy, progress, verdict, now);
  const retire = retireStatus(plan, strategy, view, progress, now);
  const bakeLeftSeconds = ((progress.bakeUntil ?? now) - now) / 1000;
  const bakeLeft = Math.ceil(bakeLeftSeconds);
  const reason = bakeLeft > 0 ? `baking, ${bakeLeft} s left` : (retire.waitReason ?? (verdict.outcome === "wait" ? verdict.reason : undefined));
  const latency = progress.stepLatencySeconds ?? 0;
  if (reason !== undefined) return { outcome: "wait", waitSeconds: waitUntil(bakeLeft > 0 ? bakeLeftSeconds : strategy.pollSeconds, 0, latency), reason };
  const last = progress.batch + 1 >= plan.batchCount;
  return { outcome: "baked", last, askQueuedPush: plan.cycle !== undefined && !last };
}

/**
 * The progress of a baked batch: done when it was the last, or when `stoppedFor` (a queued push)
 * ends a cycle here. `retired` old instances were taken out of service at this check, so the
 * size the group settles at is that much smaller.
 */
export function bakedProgress(
  plan: RolloutPlan,
  view: FleetView,
  progress: Progress,
  evidence: GateEvidence,
  retired: number,
  last: boolean,
  stoppedFor: string | undefined,
): Progress {
  const note =
    stoppedFor !== undefined
      ? `batch baked and gated; ${stoppedFor} is waiting for the lock, so the cycle stops after this batch`
      : last
        ? "last batch baked and gated"
        : "batch baked and gated";
  return {
    ...progress,
    ready: true,
    done: last || stoppedFor !== undefined,
    settledDesired: view.group.desiredCapacity - retired,
    waitSeconds: 0,
    evidence,
    ...(stoppedFor !== undefined ? { stoppedFor } : {}),
    summary: summarize(plan, view, progress.batch, note),
  };
}
