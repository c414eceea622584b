import { AwsThrottledError, AwsTransientError, DeployStartRejectedError, WebhookNotConfiguredError, type GantryError } from "../../core/errors.js";
import type { ExecutionInputRaw } from "../../core/config/input.js";
import { SFNClient } from "@aws-sdk/client-sfn";
import { ANSWER_FAST } from "../clients.js";
import { classifyAwsError } from "../errors.js";
import { runtime } from "../runtime.js";
import { startExecution } from "./step-functions.js";

/** One deploy to start: the execution name makes a redelivered push start nothing new. */
export interface DeployStart {
  stateMachineArn: string;
  name: string;
  /** A push's deploy, or a recovery run (mode "recover", no release). */
  input: ExecutionInputRaw;
}

/** The execution a start led to; `alreadyHandled` when an earlier delivery had started it. */
export interface StartedDeploy {
  executionArn: string;
  alreadyHandled: boolean;
}

/** Starts a deploy execution; local mode's runtime carries one that runs the local state machine. */
export type DeployStarter = (start: DeployStart) => Promise<StartedDeploy>;

/** Starts the deploy execution `name`, or finds it already started by an earlier delivery. */
export async function startDeploy(start: DeployStart): Promise<StartedDeploy> {
  const { startDeploy: local, client } = runtime();
  if (local) return local(start);
  try {
    const started = await startExecution(client(SFNClient, ANSWER_FAST), start);
    return { executionArn: started.executionArn, alreadyHandled: started.alreadyStarted };
  } catch (error) {
    throw startFailure(error, start.stateMachineArn, start.name);
  }
}

/** The deploy state machine pushes start, from `GANTRY_DEPLOY_STATE_MACHINE_ARN`. */
export function deployStateMachineArn(): string {
  const arn = runtime().env.deployStateMachineArn;
  if (!arn) throw new WebhookNotConfiguredError("GANTRY_DEPLOY_STATE_MACHINE_ARN is not set; the webhook does not know which state machine deploys.");
  return arn;
}

/** Throttling and outages stay retryable (the answer says "redeliver"); anything else needs fixing. */
function startFailure(error: unknown, stateMachineArn: string, name: string): GantryError {
  const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  const classified = classifyAwsError(error);
  if (classified instanceof AwsThrottledError) return new AwsThrottledError(`Step Functions throttled starting ${name} (${reason}).`, { cause: error });
  if (classified instanceof AwsTransientError) return new AwsTransientError(`Step Functions failed starting ${name} (${reason}).`, { cause: error });
  return new DeployStartRejectedError(
    `Step Functions did not start ${name} on ${stateMachineArn} (${reason}); check GANTRY_DEPLOY_STATE_MACHINE_ARN and that the webhook may call states:StartExecution.`,
    { cause: error },
  );
}
