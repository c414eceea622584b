import { now } from "../aws/clock.js";
import { takeOverLock } from "../aws/lock/deploy-lock.js";
import { readUnfinishedRollout } from "../aws/rollout/unfinished.js";
import { InvalidDeployInputError, RecoveryBlockedError } from "../core/errors.js";
import { leaseSecondsFor } from "../core/lock/lease.js";
import { startProgress, type Progress } from "../core/rollout/rollout.js";
import { endingFailure, recoveryDirection } from "../core/rollout/unfinished.js";
import { readDeployState, type DeployState, type LockHold, type Recovery } from "../wiring/deploy-state.js";
import { lambdaStep } from "../wiring/step.js";

interface RecoverEvent {
  event: Record<string, unknown>;
  state: DeployState;
}

/**
 * "Find the unfinished rollout": the first step of a recovery run (`mode: "recover"`). Reads
 * the rollout the ended execution left recorded, takes the app/env's lock over from it, and
 * hands the rest of the definition what that execution had: its plan, and as its failure how it
 * ended. A rollout still in its batches goes to "Roll back", which restores the group from its
 * live state and tags exactly as a caught failure would; one that had passed every batch goes to
 * "Finish rollout". With no record of that execution, the run changes nothing.
 *
 * Its result is the whole state (the Task has no ResultPath, so the default "$"): the fields it adds sit where the steps after it
 * read them.
 */
export const handler = lambdaStep(
  "recover-rollout",
  {
    parse: (event: unknown): RecoverEvent => ({ event: (event ?? {}) as Record<string, unknown>, state: readDeployState(event) }),
    about: ({ state }) => ({ app: state.input.app, env: state.input.env, recover: state.input.recover?.execution }),
  },
  async ({ event, state }) => {
    const { input, execution } = state;
    const ended = input.recover;
    if (input.mode !== "recover" || !ended)
      throw new InvalidDeployInputError('"Find the unfinished rollout" runs in recover mode only, with $.recover naming the execution that ended.');
    if (!execution) throw new TypeError('This step needs $.execution from the "Name the execution" state.');
    const { app, env } = input;
    const record = await readUnfinishedRollout(app, env);
    const base = { execution: ended.execution, status: ended.status };
    if (!record || record.execution !== ended.execution) {
      const summary = record
        ? `nothing to recover for ${ended.execution}: the unfinished rollout of ${app}/${env} is ${record.execution}'s; gantry recover ${app} ${env} repairs that one`
        : `nothing to recover: ${ended.execution} left no unfinished rollout of ${app}/${env} (its own rollback or finish ended it)`;
      const recovery: Recovery = { ...base, found: false, summary };
      return { ...event, recovery };
    }
    const at = now();
    const leaseSeconds = leaseSecondsFor(input.strategy);
    const taken = await takeOverLock({ app, env, holder: execution.name, from: record.execution, seq: at, now: at, leaseSeconds });
    if (taken.outcome === "held") {
      throw new RecoveryBlockedError(
        `${taken.heldBy} holds the lock of ${app}/${env}, so the recovery of ${record.execution}'s rollout cannot start; let it end (or gantry abort it), then run gantry recover ${app} ${env} again.`,
      );
    }
    const lock: LockHold = { outcome: "acquired", holder: execution.name, leaseSeconds, waitSeconds: 0 };
    const direction = recoveryDirection(record);
    const recovery: Recovery = {
      ...base,
      found: true,
      direction,
      release: record.release,
      ...(record.label ? { label: record.label } : {}),
      summary:
        direction === "forward"
          ? `${record.execution} ended ${ended.status} after its last batch: finishing its rollout of ${record.release}`
          : `${record.execution} ended ${ended.status} mid-rollout: rolling ${app}/${env} back to ${record.plan.previousRelease ?? "the previous release"}`,
    };
    // Past its last batch: the finish that was left, with any rollback window already over.
    const progress: Progress | undefined =
      direction === "forward"
        ? { ...startProgress(record.plan), batch: record.plan.batchCount - 1, phase: "finish", keptFrom: 0, summary: recovery.summary }
        : undefined;
    // The group the rollout changed, even where the configuration has since named another.
    const group = record.group ?? input.group;
    return { ...event, group, plan: record.plan, lock, failure: endingFailure(ended), recovery, ...(progress ? { progress } : {}) };
  },
);
