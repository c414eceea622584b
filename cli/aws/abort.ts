import { describeExecution } from "../../functions/aws/executions/step-functions.js";
import { putOperatorRequest } from "../../functions/aws/operator/requests.js";
import { readPendingApproval } from "../../functions/aws/operator/approvals.js";
import { abortFor } from "../../functions/core/operator/stop.js";
import { sendAnswer } from "./approve.js";
import { executionArnFor } from "../../functions/core/executions/execution-links.js";
import type { AbortOptions } from "../commands/abort.js";
import { cliActor } from "../flags.js";
import { UsageError } from "../output.js";
import { abortRequest, appEnvOfInput, printAbort } from "../run/abort.js";
import { regionOfArn } from "./inspect.js";
import { connect, deployStateMachine, openStackReleaseHistory, type AwsTarget } from "./target.js";

/**
 * `gantry abort <execution>` on AWS: checks the execution is a running deploy or cycle of this
 * stack, then files the request in the gantry table, where its next step reads it.
 */
/** A deploy machine execution named by name or ARN, with the app/env its input names; a missing or foreign one is a usage error. */
export async function gantryExecution(target: AwsTarget, execution: string, what: string) {
  const stateMachineArn = deployStateMachine(target);
  const executionArn = execution.startsWith("arn:") ? execution : executionArnFor(stateMachineArn, execution);
  const name = executionArn.split(":").at(-1) ?? execution;
  let description: Awaited<ReturnType<typeof describeExecution>>;
  try {
    description = await describeExecution(target.clients.stepFunctions, executionArn);
  } catch (error) {
    if ((error as { name?: string }).name !== "ExecutionDoesNotExist") throw error;
    throw new UsageError(`No execution named "${name}" on ${stateMachineArn}; list them with: gantry history --app <app> --env <env>`, { cause: error });
  }
  const appEnv = appEnvOfInput(JSON.parse(description.input ?? "{}"));
  if ((description.stateMachineArn && description.stateMachineArn !== stateMachineArn) || !appEnv)
    throw new UsageError(`${name} is not a gantry deploy or cycle on ${stateMachineArn}; ${what}.`);
  return { name, appEnv, description };
}

export async function abortOnAws(execution: string, options: AbortOptions, now = Date.now()): Promise<void> {
  const target = await connect(options, regionOfArn(execution));
  const { name, appEnv, description } = await gantryExecution(target, execution, "gantry abort stops only those");
  if (description.status !== "RUNNING")
    throw new UsageError(
      `${name} is ${description.status ?? "not running"}, not running: there is nothing to abort. To undo what it deployed, use gantry rollback ${appEnv.app} ${appEnv.env}.`,
    );
  openStackReleaseHistory(target);
  const abortTarget = { name, ...appEnv };
  const request = abortRequest(abortTarget, cliActor(), options.reason, now);
  await putOperatorRequest(abortTarget.app, abortTarget.env, request);
  // A deploy waiting at an approval checkpoint runs no step that would read the request: answer its task token.
  const pending = await readPendingApproval(abortTarget.app, abortTarget.env, name);
  if (pending)
    await sendAnswer(target.clients.stepFunctions, pending, { kind: "abort", by: request.by, at: now, cause: abortFor(request, name)?.message ?? "Aborted" });
  printAbort(abortTarget, request, options);
}
