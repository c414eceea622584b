import type { DeployInput } from "../core/config/input.js";
import { parseDeployInput } from "../core/config/input.js";
import type { RolloutPlan } from "../core/rollout/plan.js";
import type { CaughtFailure, RollbackProgress } from "../core/rollout/rollback.js";
import type { Progress } from "../core/rollout/rollout.js";
import type { GitHubReport } from "../core/github/deployment-report.js";
import type { RecoveryDirection } from "../core/rollout/unfinished.js";

/** A precondition that failed: the deploy ends before anything changed. */
export interface Rejection {
  error: string;
  cause: string;
}

/** What a cleanup after failure found and did (`$.cleanup`). */
export interface Cleanup {
  cause: string;
}

/**
 * The execution state every deploy step receives: the input as started, plus what earlier
 * steps wrote under their ResultPath. Small on purpose: no instance lists.
 */
/** Who this execution is (`$.execution`, set from the context object at the start). */
export interface ExecutionIdentity {
  name: string;
  startedAt: string;
}

/** The app/env lock as the execution holds it (`$.lock`). */
export interface LockHold {
  /** "skipped": a cycle run found the lock held or a push queued, and changes nothing. */
  outcome: "acquired" | "wait" | "superseded" | "skipped";
  holder: string;
  leaseSeconds: number;
  waitSeconds: number;
  /** The release number this deploy got once it held the lock: "v42". */
  label?: string;
  heldBy?: string;
  by?: string;
  /** Why a cycle run was skipped. */
  reason?: string;
}

/** How the execution ended, for the lock release, the release history and the Fail state. */
export interface Outcome {
  /** "cycled" and "no-op" end cycle runs; those record no release. */
  status: "deployed" | "rolled back" | "failed" | "cycled" | "no-op";
  /** A recovery run put the group back (or finished it): the status says which. */
  recovered?: boolean;
  error?: string;
  cause?: string;
  /** What happened, when the ending alone does not say it (a release only marked on the group). */
  summary?: string;
}

/** What a recovery run found and takes on (`$.recovery`, recover mode only). */
export interface Recovery {
  /** False: nothing was left unfinished by that execution, and the run changes nothing. */
  found: boolean;
  /** The execution whose rollout it repairs, and how that execution ended. */
  execution: string;
  status: string;
  direction?: RecoveryDirection;
  release?: string;
  /** The release number of the rollout it repairs; none for a cycle run. */
  label?: string;
  summary: string;
}

export interface DeployState {
  input: DeployInput;
  execution?: ExecutionIdentity;
  lock?: LockHold;
  outcome?: Outcome;
  plan?: RolloutPlan & { rejected?: Rejection };
  progress?: Progress;
  failure?: CaughtFailure;
  rollback?: RollbackProgress;
  /** Caught when the rollback itself failed. */
  rollbackFailure?: CaughtFailure;
  /** Caught when finishing a rollout that had already succeeded failed. */
  finishFailure?: CaughtFailure;
  /** The deploy's GitHub Deployment and what its report said. */
  github?: GitHubReport;
  recovery?: Recovery;
  /** The answer the last approval checkpoint got (`$.approval`): who approved it, and when. */
  approval?: { by?: string; at?: number };
}

/**
 * The fields the deploy definition writes into the state (its ResultPaths), beside the
 * execution input. Everything else is the input, which is parsed strictly: a key it does not
 * know (a typo in an input started from the console) fails the first step, naming the key.
 */
export const STATE_FIELDS = [
  "execution",
  "lock",
  "outcome",
  "plan",
  "progress",
  "failure",
  "rollback",
  "rollbackFailure",
  "finishFailure",
  "cleanup",
  "cleanupFailure",
  "released",
  "releaseFailure",
  "github",
  "deployWindow",
  "recovery",
  "approval",
  "approvalTimeout",
] as const;

/** Splits a step's event into the validated input and the fields steps wrote. */
export function readDeployState(event: unknown): DeployState {
  const record = (event ?? {}) as Record<string, unknown>;
  const input = parseDeployInput(
    typeof event === "object" && event !== null
      ? Object.fromEntries(Object.entries(record).filter(([key]) => !(STATE_FIELDS as readonly string[]).includes(key)))
      : event,
  );
  return {
    input,
    ...(record.execution ? { execution: record.execution as ExecutionIdentity } : {}),
    ...(record.lock ? { lock: record.lock as LockHold } : {}),
    ...(record.outcome ? { outcome: record.outcome as Outcome } : {}),
    ...(record.plan ? { plan: record.plan as DeployState["plan"] } : {}),
    ...(record.progress ? { progress: record.progress as Progress } : {}),
    ...(record.failure ? { failure: record.failure as CaughtFailure } : {}),
    ...(record.rollback ? { rollback: record.rollback as RollbackProgress } : {}),
    ...(record.rollbackFailure ? { rollbackFailure: record.rollbackFailure as CaughtFailure } : {}),
    ...(record.finishFailure ? { finishFailure: record.finishFailure as CaughtFailure } : {}),
    ...(record.github ? { github: record.github as GitHubReport } : {}),
    ...(record.recovery ? { recovery: record.recovery as Recovery } : {}),
    ...(record.approval ? { approval: record.approval as DeployState["approval"] } : {}),
  };
}

/** The plan, or a clear failure when a step runs out of order. */
export function requirePlan(state: DeployState): RolloutPlan {
  if (!state.plan || state.plan.rejected) throw new TypeError('This step needs $.plan from the "Plan rollout" state.');
  return state.plan;
}

export function requireProgress(state: DeployState): Progress {
  if (!state.progress) throw new TypeError("This step needs $.progress from an earlier rollout state.");
  return state.progress;
}
