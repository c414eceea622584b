import { now } from "../aws/clock.js";
import { detachAndTerminate, resumeProcesses, setMaxSize } from "../aws/rollout/group-actions.js";
import { observeFleet } from "../aws/rollout/observe.js";
import { finishWaitSeconds, restoredMaxSize, summarize, type Progress } from "../core/rollout/rollout.js";
import { readOperatorRequest } from "../aws/operator/requests.js";
import { decideKeepOld, rollbackRequested } from "../core/rollout/keep-old.js";
import { requirePlan, requireProgress, type DeployState } from "../wiring/deploy-state.js";
import { deployStep } from "../wiring/step.js";
import { markRolloutStage } from "../aws/rollout/unfinished.js";

/**
 * Old instances parked in Standby removed per run: 100 DetachInstances and 2 TerminateInstances
 * calls, a few seconds at eight Auto Scaling calls in flight. 5,000 instances take three runs.
 */
const PARKED_PER_PASS = 2000;

/**
 * "Finish rollout": detaches the old instances parked in Standby and terminates them through EC2
 * (a few thousand per run, the state loops until none are left; desired capacity does not move,
 * Standby instances are not counted), then resumes the processes gantry suspended.
 */
/**
 * The window after the last batch (`strategy.keepOldFor`): while it lasts the old instances stay
 * in Standby and each pass looks for a `gantry rollback` (or abort) of this execution, which sends
 * the run to "Roll back" with the old instances ready to serve. Undefined once the window is over.
 */
async function keepOld(state: DeployState, progress: Progress, parked: number): Promise<Progress | undefined> {
  const { input, execution } = state;
  const at = now();
  const openedAt = progress.phase === "finish" && progress.keptFrom !== undefined ? progress.keptFrom : at;
  const decision = decideKeepOld(input.strategy.keepOldFor, openedAt, at, parked);
  if (!decision.keep) return undefined;
  const kept: Progress = { ...progress, phase: "finish", done: false, keptFrom: openedAt, waitSeconds: decision.waitSeconds };
  const request = execution ? await readOperatorRequest(input.app, input.env, execution.name) : undefined;
  if (request?.kind === "rollback" || request?.kind === "abort") {
    return {
      ...kept,
      failed: rollbackRequested(request.by, request.at, request.reason, input.strategy.keepOldFor),
      summary: `rollback requested by ${request.by}`,
    };
  }
  const until = new Date(decision.until).toISOString().replace(/\.\d{3}Z$/, "Z");
  return { ...kept, summary: `keeping ${parked} old instance(s) in Standby until ${until} (gantry rollback ${input.app} ${input.env} brings them back)` };
}

export const handler = deployStep("finish-rollout", async (state) => {
  const plan = requirePlan(state);
  const progress = requireProgress(state);
  // Every batch has passed: a recovery from here on finishes the rollout instead of undoing it.
  // (A recovery run enters already in the finish phase.)
  const holder = state.lock?.holder ?? state.execution?.name;
  if (progress.phase !== "finish" && holder) await markRolloutStage(state.input.app, state.input.env, holder, "finish");
  const view = await observeFleet(state.input, plan);
  const parked = view.retired.filter((instance) => instance.lifecycleState === "Standby");
  const kept = plan.cycle ? undefined : await keepOld(state, progress, parked.length);
  if (kept) return { ...kept, summary: summarize(plan, view, progress.batch, kept.summary) };
  const batch = parked.slice(0, PARKED_PER_PASS).map((instance) => instance.id);
  if (batch.length > 0) await detachAndTerminate(view.group.name, batch);
  const remaining = view.retired.length - batch.length;
  const waitSeconds = remaining === 0 ? 0 : finishWaitSeconds(plan, state.input.strategy, view, progress, now());
  const finished: Progress = { ...progress, phase: "finish", done: remaining === 0, waitSeconds };
  if (remaining > 0) {
    return { ...finished, summary: summarize(plan, view, progress.batch, `terminating retired instances, ${remaining} left`) };
  }
  const maxSize = restoredMaxSize(plan, view);
  if (maxSize !== undefined) await setMaxSize(view.group.name, maxSize);
  await resumeProcesses(view.group.name, plan.suspend);
  const durationSeconds = Math.round((now() - plan.startedAt) / 1000);
  const resumed = `resumed ${plan.suspend.join(", ") || "nothing"}`;
  if (plan.cycle) {
    // Old instances still in service were not reached: the batch limit or a waiting push ended the run.
    const left = view.old.length;
    const batches = progress.batch + 1;
    const why =
      progress.stoppedFor !== undefined
        ? `${progress.stoppedFor} is waiting for the lock`
        : `at most ${state.input.cycle?.maxBatchesPerRun ?? batches} batch(es) per run`;
    return {
      ...finished,
      result: { release: plan.release, previousRelease: plan.previousRelease, replaced: plan.toReplace - left, leftForNextRun: left, batches, durationSeconds },
      summary:
        `cycled ${plan.toReplace - left} instance(s) older than ${plan.cycle.maxAge} in ${batches} batch(es) in ${durationSeconds} s, still on ${plan.release}; ` +
        (left > 0 ? `${left} over ${plan.cycle.maxAge} left for the next run (${why}); ` : "") +
        resumed,
    };
  }
  return {
    ...finished,
    result: {
      release: plan.release,
      previousRelease: plan.previousRelease,
      replaced: plan.toReplace,
      batches: plan.batchCount,
      durationSeconds,
    },
    summary: `deployed ${plan.release}: ${plan.toReplace} instance(s) ${plan.mode === "in-place" ? "deployed in place" : "replaced"} in ${plan.batchCount} batch(es) in ${durationSeconds} s; ${resumed}`,
  };
});
