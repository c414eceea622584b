import { StartExecutionCommand } from "@aws-sdk/client-sfn";
import { AwsThrottledError, AwsTransientError, DeployStartRejectedError, type GantryError } from "../core/errors.js";
import { executionArnFor } from "../core/execution-links.js";
import type { DeployInputRaw } from "../core/input.js";
import { stepFunctions } from "./clients.js";
import { classifyAwsError } from "./errors.js";

/** One deploy to start: the execution name makes a redelivered push start nothing new. */
export interface DeployStart {
  stateMachineArn: string;
  name: string;
  input: DeployInputRaw;
}

/** The execution a start led to; `alreadyHandled` when an earlier delivery had started it. */
export interface StartedDeploy {
  executionArn: string;
  alreadyHandled: boolean;
}

/** Starts a deploy execution; swapped in local mode, where the local state machine runs it. */
export type DeployStarter = (start: DeployStart) => Promise<StartedDeploy>;

const stepFunctionsStarter: DeployStarter = async ({ stateMachineArn, name, input }) => {
  try {
    const output = await stepFunctions.send(new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }));
    return { executionArn: output.executionArn ?? executionArnFor(stateMachineArn, name), alreadyHandled: false };
  } catch (error) {
    // Names are unique per state machine for 90 days: the name taken means this push was handled.
    if (error instanceof Error && error.name === "ExecutionAlreadyExists") return { executionArn: executionArnFor(stateMachineArn, name), alreadyHandled: true };
    throw startFailure(error, stateMachineArn, name);
  }
};

let starter: DeployStarter = stepFunctionsStarter;

/** Plugs in another way to start deploys (local mode runs the local state machine); no argument restores Step Functions. */
export function useDeployStarter(next: DeployStarter = stepFunctionsStarter): void {
  starter = next;
}

/** Starts the deploy execution `name`, or finds it already started by an earlier delivery. */
export function startDeploy(start: DeployStart): Promise<StartedDeploy> {
  return starter(start);
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
