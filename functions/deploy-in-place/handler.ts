import { now } from "../aws/clock.js";
import { observeFleet } from "../aws/rollout/observe.js";
import { summarize, type Progress } from "../core/rollout/rollout.js";
import { requirePlan, requireProgress } from "../wiring/deploy-state.js";
import { advanceInPlace } from "../wiring/in-place-batch.js";
import { forwardStep } from "../wiring/step.js";

/**
 * "Deploy batch in place": one stage of the current batch (take it out of the target groups,
 * drain, run the release's deploy command, register, gate, bake), or the start of the next
 * batch. The state loops through "Wait in place" until every instance runs the release.
 */
export const handler = forwardStep("deploy-in-place", async (state): Promise<Progress> => {
  const plan = requirePlan(state);
  const previous = requireProgress(state);
  const at = now();
  const view = await observeFleet(state.input, plan);
  // Between batches (after "Prepare group", or once a batch baked) the next one starts.
  const starting = previous.inPlace === undefined;
  const batch = starting ? previous.batch + 1 : previous.batch;
  const batchStartedAt = starting ? at : previous.batchStartedAt;
  const size = plan.batchSizes[batch] ?? plan.batchSizes[plan.batchSizes.length - 1] ?? 1;
  const where = `Batch ${batch + 1} of ${plan.batchCount}`;
  const turn = await advanceInPlace({ input: state.input, plan, view, release: plan.release, size, where, batchStartedAt, now: at }, previous.inPlace);
  const base = { phase: "in-place" as const, batchStartedAt, groupSize: view.group.desiredCapacity, ...(turn.evidence ? { evidence: turn.evidence } : {}) };
  if (turn.allDone) {
    const last = starting ? previous.batch : batch;
    return { ...base, batch: last, ready: true, done: true, waitSeconds: 0, summary: summarize(plan, view, last, turn.note) };
  }
  return {
    ...base,
    batch,
    ready: turn.ready,
    done: false,
    waitSeconds: turn.waitSeconds,
    ...(turn.batch ? { inPlace: turn.batch } : {}),
    ...(turn.failed ? { failed: turn.failed } : {}),
    ...(turn.commandFailures ? { commandFailures: turn.commandFailures } : {}),
    summary: summarize(plan, view, batch, turn.failed ? turn.note : `in place: ${turn.note}`),
  };
});
