import type { DeployInput, ExecutionInputRaw } from "../config/input.js";
import type { CaughtFailure } from "./rollback.js";
import type { RolloutPlan } from "./plan.js";

/**
 * A rollout that has begun to change its group and has not yet ended cleanly: what a recovery
 * needs to put the group back when the execution that ran it ended where no Catch could see it
 * (a Stop from the console, the execution timeout, a history-limit failure) or when its own
 * rollback failed. Kept in the gantry table beside the lock, written by "Prepare group" before
 * the group changes and removed when the execution ends with the group whole.
 */
export interface UnfinishedRollout {
  /** The execution that runs (or ran) the rollout. */
  execution: string;
  /** The release it rolls out (a cycle: the release the group keeps). */
  release: string;
  /** Its number in the release history ("v42"); none for a cycle run. */
  label?: string;
  /** The group it rolls: a recovery repairs this one, whatever the configuration names now. */
  group?: DeployInput["group"];
  /** The rollout's plan as it was made: the group's size, MaxSize, launch template and processes before it. */
  plan: RolloutPlan;
  /**
   * "rollout" while batches run; "finish" once every batch has passed its gates and only the old
   * instances' removal (or the rollback window) is left. A recovery rolls back the first and
   * finishes the second.
   */
  stage: "rollout" | "finish";
  /** Epoch milliseconds the record was written. */
  since: number;
}

/** How a recovery run was told the rollout's execution ended (`input.recover`). */
export interface EndedExecution {
  execution: string;
  /** Step Functions' status: ABORTED, TIMED_OUT or FAILED (local runs killed with their process read ABORTED). */
  status: RecoverableStatus;
  error?: string;
}

/** Which way a recovery takes the group: back to the previous release, or forward to the end of a rollout that passed every gate. */
export type RecoveryDirection = "back" | "forward";

export function recoveryDirection(record: UnfinishedRollout): RecoveryDirection {
  return record.stage === "finish" ? "forward" : "back";
}

/** The recorded error of an ending no Catch saw, in the shape the rollback's cause reads (`$.failure`). */
export function endingFailure(ended: EndedExecution): CaughtFailure {
  const words: Record<string, string> = {
    ABORTED: "was stopped before it finished",
    TIMED_OUT: "timed out before it finished",
    FAILED: "failed without restoring its group",
  };
  const what = words[ended.status] ?? `ended ${ended.status} before it finished`;
  const error = ended.error ? ` (${ended.error})` : "";
  return { Error: `Execution${pascalStatus(ended.status)}`, Cause: `Execution ${ended.execution} ${what}${error}` };
}

function pascalStatus(status: string): string {
  return status
    .toLowerCase()
    .split("_")
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join("");
}

/** What a deploy that finds another execution's unfinished rollout says: what was left, and the command that repairs it. */
export function unfinishedRolloutMessage(app: string, env: string, record: UnfinishedRollout): string {
  const what = record.label ? `${record.label} (${record.release})` : record.release;
  const where = record.stage === "finish" ? "after its last batch" : "mid-rollout";
  return (
    `The rollout of ${what} to ${app}/${env} by execution ${record.execution} was left unfinished ${where}: its group may have instances in Standby, ` +
    `suspended processes or a raised MaxSize. Run \`gantry recover ${app} ${env}\` (with --local for a local deploy) to restore the group from its live state, then deploy again.`
  );
}

/** What a recovery run says it repaired (`$.recovery` once found). */
export interface RecoveredRollout {
  execution: string;
  status: string;
  release?: string;
  label?: string;
  direction?: RecoveryDirection;
}

/** The words a recovery run ends with: which rollout it repaired, which way, and the fleet now. */
export function recoveredCause(recovery: RecoveredRollout, previousRelease: string | null, app: string, env: string, fleet: string): string {
  const release = recovery.release ?? "its release";
  const what = recovery.label ? `${recovery.label} (${release})` : release;
  const how =
    recovery.direction === "forward"
      ? `finished forward: it had passed every batch, so the old instances were removed and ${release} kept`
      : `rolled back to ${previousRelease ?? "the previous release"}: old instances back in service, new ones removed`;
  return `Recovered ${app}/${env} after execution ${recovery.execution} (${what}) ended ${recovery.status}: ${how}. Fleet now: ${fleet}.`;
}

/** The statuses a recovery takes over from; the rule on the deploy machine listens for these. */
export const RECOVERABLE_STATUSES = ["ABORTED", "TIMED_OUT", "FAILED"] as const;
export type RecoverableStatus = (typeof RECOVERABLE_STATUSES)[number];

export function isRecoverableStatus(status: string): status is RecoverableStatus {
  return (RECOVERABLE_STATUSES as readonly string[]).includes(status);
}

/**
 * The recovery run's input, from the input of the execution that ended: the same app/env, group,
 * strategy and gates (what it rolled with is what its rollback needs), and nothing of what it rolled out.
 */
export function recoveryInput(
  ended: Pick<DeployInput, "app" | "env" | "group" | "strategy" | "gates">,
  execution: { execution: string; status: RecoverableStatus; error?: string },
  trigger: { source: string; actor?: string },
): ExecutionInputRaw {
  return {
    app: ended.app,
    env: ended.env,
    group: ended.group,
    strategy: ended.strategy,
    gates: ended.gates,
    mode: "recover",
    recover: { execution: execution.execution, status: execution.status, ...(execution.error ? { error: execution.error.slice(0, 256) } : {}) },
    trigger,
  };
}

/**
 * The name of the recovery run the rule starts for `execution`: one per ended execution, so a
 * repeated event starts nothing new. Execution names are at most 80 characters.
 */
export function recoveryExecutionName(execution: string, suffix?: string): string {
  const tail = suffix ? `-${suffix}` : "";
  return `recover-${execution}`.slice(0, 80 - tail.length) + tail;
}
