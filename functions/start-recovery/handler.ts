import * as z from "zod";
import { deployStateMachineArn, startDeploy } from "../aws/executions/executions.js";
import { readUnfinishedRollout } from "../aws/rollout/unfinished.js";
import { parseDeployInput, type DeployInput } from "../core/config/input.js";
import { describeIssues } from "../core/config/validation.js";
import { InvalidDeployInputError } from "../core/errors.js";
import { isRecoverableStatus, recoveryExecutionName, recoveryInput } from "../core/rollout/unfinished.js";
import { lambdaStep } from "../wiring/step.js";

/** The part of EventBridge's "Step Functions Execution Status Change" event this function reads. */
const statusChangeSchema = z.object({
  detail: z.object({
    name: z.string().min(1),
    status: z.string().min(1),
    /** The execution's input as a JSON string; null when it was over the event's size limit. */
    input: z.string().nullish(),
    error: z.string().nullish(),
  }),
});

type StatusChange = z.infer<typeof statusChangeSchema>["detail"];

function parseStatusChange(event: unknown): StatusChange {
  const parsed = statusChangeSchema.safeParse(event);
  if (parsed.success) return parsed.data.detail;
  throw new InvalidDeployInputError(`Not a Step Functions status change event: ${describeIssues(event, parsed.error.issues).join("; ")}`);
}

function endedInput(change: StatusChange): DeployInput | undefined {
  if (!change.input) return undefined;
  try {
    return parseDeployInput(JSON.parse(change.input));
  } catch {
    return undefined;
  }
}

/**
 * The rule on the deploy machine's ABORTED, TIMED_OUT and FAILED executions calls this. It starts
 * a recovery run when the execution that ended left its rollout unfinished: a Stop, the timeout
 * or a platform failure that no Catch saw, or a rollback that failed. An execution whose own
 * rollback or finish ended cleanly removed its record, and nothing starts. The recovery's name
 * follows from the ended execution's, so a repeated event starts it only once.
 */
export const handler = lambdaStep(
  "start-recovery",
  { parse: parseStatusChange, about: (change) => ({ execution: change.name, status: change.status }) },
  async (change) => {
    const skip = (why: string) => ({ started: false, summary: `${change.name} ended ${change.status}: ${why}` });
    if (!isRecoverableStatus(change.status)) return skip("nothing to recover");
    const input = endedInput(change);
    if (!input)
      return skip("its input is not a gantry execution's (or was too large to come with the event); run gantry recover <app> <env> if its group needs it");
    if (input.mode === "recover")
      return skip(`it was itself a recovery; the rollout it was repairing stays recorded for gantry recover ${input.app} ${input.env}`);
    const record = await readUnfinishedRollout(input.app, input.env);
    if (!record || record.execution !== change.name) return skip("it left no unfinished rollout (its own rollback or finish ended it)");
    const name = recoveryExecutionName(change.name);
    const started = await startDeploy({
      stateMachineArn: deployStateMachineArn(),
      name,
      input: recoveryInput(
        input,
        { execution: change.name, status: change.status, ...(change.error ? { error: change.error } : {}) },
        { source: "recovery", actor: "gantry" },
      ),
    });
    return {
      started: !started.alreadyHandled,
      executionArn: started.executionArn,
      summary: started.alreadyHandled
        ? `recovery ${name} was already started`
        : `started recovery ${name} of ${input.app}/${input.env} after ${change.name} ended ${change.status}`,
    };
  },
);
