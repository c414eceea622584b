import { ageSeconds, formatAge } from "../cycle/cycle-age.js";
import type { BatchStep } from "../config/input.js";
import { cumulativeTarget } from "./batches.js";
import type { GateEvidence } from "./gate.js";

/** How long a checkpoint waits for an answer unless `strategy.approvalTimeout` says otherwise. */
export const APPROVAL_TIMEOUT_DEFAULT = "24h";

/** The longest wait: the deploy holds its lock, and its old instances, all the while. */
export const APPROVAL_TIMEOUT_MAX_SECONDS = 7 * 86_400;

/** Why `text` is not a usable approvalTimeout, in words that follow the value ("is …"). */
export function approvalTimeoutProblem(text: string): string | undefined {
  const seconds = ageSeconds(text);
  if (seconds === undefined || seconds <= 0) return 'is not a duration such as "30m", "24h" or "2d" (a whole number of minutes, hours or days)';
  if (seconds > APPROVAL_TIMEOUT_MAX_SECONDS) return "is longer than the maximum of 7d: the deploy holds its lock all the while; use 7d or less";
  return undefined;
}

export function approvalTimeoutSeconds(text: string | undefined): number {
  return ageSeconds(text ?? APPROVAL_TIMEOUT_DEFAULT) ?? 86_400;
}

/**
 * The batches (0-based) after which a deploy pauses for a person, from `approveAfter` steps read
 * as `batches` reads them: each is a cumulative count or share of the instances to replace, and
 * the pause comes after the batch that reaches it. `[1, "25%"]` with batches [1, 9, 10, 10, 10]
 * on 40 instances pauses after the first and the second. Steps past the end pause after the last.
 */
export function approvalBatches(steps: readonly BatchStep[] | undefined, batchSizes: readonly number[], total: number): number[] {
  if (!steps || steps.length === 0 || batchSizes.length === 0) return [];
  const reached: number[] = [];
  let done = 0;
  for (const size of batchSizes) reached.push((done += size));
  const batches = steps.map((step) => {
    const target = Math.min(total, Math.max(1, cumulativeTarget(step, total)));
    const index = reached.findIndex((count) => count >= target);
    return index === -1 ? batchSizes.length - 1 : index;
  });
  return [...new Set(batches)].sort((a, b) => a - b);
}

/** The checkpoint a deploy waits at (`$.progress.approval`), small enough for the state. */
export interface ApprovalCheckpoint {
  /** 1-based: the batch that has just passed its bake. */
  batch: number;
  of: number;
  timeoutSeconds: number;
  /** Epoch milliseconds the checkpoint opened. */
  askedAt: number;
  /** What the execution says when no answer comes in time. */
  timeoutCause: string;
}

export function approvalCheckpoint(batch: number, of: number, timeout: string | undefined, askedAt: number): ApprovalCheckpoint {
  const timeoutSeconds = approvalTimeoutSeconds(timeout);
  return {
    batch: batch + 1,
    of,
    timeoutSeconds,
    askedAt,
    timeoutCause: `No answer at the approval checkpoint after batch ${batch + 1} of ${of} within ${formatAge(timeoutSeconds)} (strategy.approvalTimeout)`,
  };
}

/** The answer a checkpoint got: an approval, or a rejection with who and why. */
export interface ApprovalAnswer {
  approved: boolean;
  by: string;
  at: number;
  reason?: string;
}

/** The cause a rejected checkpoint fails its Task with (SendTaskFailure's cause, or the local error's message). */
export function rejectionCause(answer: ApprovalAnswer, checkpoint: Pick<ApprovalCheckpoint, "batch" | "of">): string {
  const why = answer.reason ? `: ${answer.reason}` : "";
  return `Rejected by ${answer.by} at ${new Date(answer.at).toISOString()} after batch ${checkpoint.batch} of ${checkpoint.of}${why}`;
}

/** What the alerts topic says when a deploy waits at a checkpoint: the gate's evidence and the commands. */
export function approvalMessage(args: {
  app: string;
  env: string;
  release: string;
  label?: string;
  execution: string;
  checkpoint: ApprovalCheckpoint;
  evidence?: GateEvidence;
}): { subject: string; message: string } {
  const { app, env, execution, checkpoint } = args;
  const what = args.label ? `${args.label} (${args.release})` : args.release;
  const until = new Date(checkpoint.askedAt + checkpoint.timeoutSeconds * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
  const evidence = args.evidence ? JSON.stringify(args.evidence).slice(0, 2_000) : "none recorded";
  return {
    subject: `gantry: ${app}/${env} ${what} waits for approval after batch ${checkpoint.batch} of ${checkpoint.of}`.slice(0, 100),
    message: [
      `Deploy ${execution} of ${what} to ${app}/${env} passed batch ${checkpoint.batch} of ${checkpoint.of} and its bake, and waits for a person until ${until}; with no answer by then it rolls back.`,
      `Gate evidence: ${evidence}`,
      `Approve: gantry approve ${execution}`,
      `Reject:  gantry reject ${execution} --reason "…"`,
    ].join("\n"),
  };
}
