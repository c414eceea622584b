import { startExecution, type StartedExecution } from "../../functions/aws/executions/step-functions.js";
import { stackOutput } from "../../functions/aws/executions/stack.js";
import type { StackOutputKey } from "../../functions/core/config/stack-outputs.js";
import { line, note, paint } from "../output.js";
import type { AwsTarget } from "./target.js";

/**
 * Starts an execution on one of the deployed stack's state machines (the deploy machine unless
 * told otherwise) and says where to watch it: name, ARN, console link. A name already taken is
 * reported as already started, not as a failure. With `json` the lines go to stderr, leaving
 * stdout to the caller's JSON.
 */
export async function startOnStack(
  target: AwsTarget,
  start: { name: string; input: unknown },
  options: { json?: boolean; stateMachine?: StackOutputKey } = {},
): Promise<StartedExecution> {
  const stateMachineArn = stackOutput(target.stack, options.stateMachine ?? "deployStateMachineArn");
  const started = await startExecution(target.clients.stepFunctions, { stateMachineArn, ...start });
  const say = options.json ? note : line;
  const what = started.alreadyStarted ? paint("yellow", "was already started (same name): showing that execution") : paint("green", "started");
  say(`${paint("bold", started.executionName)} ${what}`);
  say(`  execution  ${started.executionArn}`);
  say(`  console    ${started.consoleUrl}`);
  return started;
}
