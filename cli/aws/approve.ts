import { SendTaskFailureCommand, SendTaskSuccessCommand, type SFNClient } from "@aws-sdk/client-sfn";
import { readPendingApproval, type PendingApproval } from "../../functions/aws/operator/approvals.js";
import { rejectionCause } from "../../functions/core/rollout/approvals.js";
import type { AnswerOptions } from "../commands/approve.js";
import { cliActor } from "../flags.js";
import { UsageError } from "../output.js";
import { printAnswer, type AnswerKind } from "../run/approve.js";
import { regionOfArn } from "./inspect.js";
import { connect, openStackReleaseHistory } from "./target.js";
import { gantryExecution } from "./abort.js";

/** Errors Step Functions answers for a token nobody waits on any more: answered, timed out, or the execution ended. */
const GONE = new Set(["TaskTimedOut", "TaskDoesNotExist", "InvalidToken"]);

/** Sends the answer to the checkpoint's task token; false when no task waits on it any more. */
export async function sendAnswer(
  stepFunctions: SFNClient,
  pending: PendingApproval,
  answer: { kind: AnswerKind | "abort"; by: string; at: number; reason?: string; cause?: string },
): Promise<boolean> {
  try {
    if (answer.kind === "approve") {
      const output = JSON.stringify({
        approved: true,
        by: answer.by,
        at: answer.at,
        batch: pending.checkpoint.batch,
        ...(answer.reason ? { reason: answer.reason } : {}),
      });
      await stepFunctions.send(new SendTaskSuccessCommand({ taskToken: pending.taskToken, output }));
    } else {
      const error = answer.kind === "reject" ? "ApprovalRejectedError" : "DeployAbortedError";
      const cause =
        answer.cause ??
        rejectionCause({ approved: false, by: answer.by, at: answer.at, ...(answer.reason ? { reason: answer.reason } : {}) }, pending.checkpoint);
      await stepFunctions.send(new SendTaskFailureCommand({ taskToken: pending.taskToken, error, cause }));
    }
    return true;
  } catch (error) {
    if (GONE.has((error as { name?: string }).name ?? "")) return false;
    throw error;
  }
}

/**
 * `gantry approve|reject <execution>` on AWS: checks the execution is a running deploy of this
 * stack, finds the task token its checkpoint kept in the table, and answers it.
 */
export async function answerOnAws(kind: AnswerKind, execution: string, options: AnswerOptions, now = Date.now()): Promise<void> {
  const target = await connect(options, regionOfArn(execution));
  const { name, appEnv, description } = await gantryExecution(target, execution, `gantry ${kind} answers only those`);
  if (description.status !== "RUNNING")
    throw new UsageError(`${name} is ${description.status ?? "not running"}, not running: there is no checkpoint to answer.`);
  openStackReleaseHistory(target);
  const pending = await readPendingApproval(appEnv.app, appEnv.env, name);
  if (!pending)
    throw new UsageError(`${name} has not reached an approval checkpoint; answer it once it waits at one (gantry status shows "Wait for approval").`);
  const by = cliActor();
  const sent = await sendAnswer(target.clients.stepFunctions, pending, { kind, by, at: now, ...(options.reason ? { reason: options.reason } : {}) });
  if (!sent) {
    throw new UsageError(
      `${name} no longer waits at its checkpoint after batch ${pending.checkpoint.batch} of ${pending.checkpoint.of}: it was answered already, or timed out.`,
    );
  }
  printAnswer(
    {
      kind,
      execution: name,
      ...appEnv,
      batch: pending.checkpoint.batch,
      of: pending.checkpoint.of,
      by,
      at: now,
      ...(options.reason ? { reason: options.reason } : {}),
    },
    options,
  );
}
