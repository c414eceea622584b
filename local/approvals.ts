import { readOperatorRequest } from "../functions/aws/operator/requests.js";
import type { ApprovalWaiter } from "../functions/aws/runtime.js";
import { ApprovalRejectedError } from "../functions/core/errors.js";
import { abortFor } from "../functions/core/operator/stop.js";
import { rejectionCause } from "../functions/core/rollout/approvals.js";
import type { Clock } from "./clock.js";

/** The error a checkpoint's timeout is on AWS (the Task state's own); the definition catches it by this name. */
function timedOut(cause: string): Error {
  const error = new Error(cause);
  error.name = "States.Timeout";
  return error;
}

/**
 * Local mode's answer to a checkpoint: the runner has no task tokens, so the step waits here on
 * the local clock, reading the request filed for its execution (`gantry approve --local`, or a
 * test's store) every `pollSeconds`. An approval or rejection counts only for this checkpoint's
 * batch; an abort ends the wait too. No answer by the timeout throws `States.Timeout`, as the
 * Task's timeout would on AWS.
 */
export function localApprovals(clock: Clock): ApprovalWaiter {
  return async ({ app, env, execution, checkpoint, pollSeconds }) => {
    const until = checkpoint.askedAt + checkpoint.timeoutSeconds * 1000;
    for (;;) {
      const request = await readOperatorRequest(app, env, execution);
      if (request && (request.kind === "approve" || request.kind === "reject") && request.checkpoint === checkpoint.batch) {
        const answer = { approved: request.kind === "approve", by: request.by, at: request.at, ...(request.reason ? { reason: request.reason } : {}) };
        if (answer.approved) return answer;
        throw new ApprovalRejectedError(rejectionCause(answer, checkpoint));
      }
      const aborted = request && abortFor(request, execution);
      if (aborted) throw aborted;
      const left = until - clock.now();
      if (left <= 0) throw timedOut(checkpoint.timeoutCause);
      await clock.sleep(Math.min(left, pollSeconds * 1000));
    }
  };
}
