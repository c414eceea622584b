import { describeExecution } from "../../functions/aws/executions/step-functions.js";
import { readUnfinishedRollout } from "../../functions/aws/rollout/unfinished.js";
import type { GantryConfig } from "../../functions/core/config/config.js";
import { parseDeployInput } from "../../functions/core/config/input.js";
import { executionArnFor } from "../../functions/core/executions/execution-links.js";
import { isRecoverableStatus, recoveryExecutionName, recoveryInput, type RecoverableStatus } from "../../functions/core/rollout/unfinished.js";
import type { RecoverOptions } from "../commands/recover.js";
import { cliActor } from "../flags.js";
import { UsageError, printJson } from "../output.js";
import { printNothingToRecover } from "../run/recover-output.js";
import { cliDeployInput } from "./deploy.js";
import { followExecution, type FollowOptions } from "./follow.js";
import { startOnStack } from "./start.js";
import { configFor, configuredRegion, connect, deployStateMachine, openStackReleaseHistory } from "./target.js";

/**
 * `gantry recover <app> <env>` on AWS: finds the rollout recorded as unfinished, checks that the
 * execution that ran it has ended (one still running is aborted instead), and starts a recovery
 * run of the deploy machine for it, followed to its end unless --no-wait. Returns the exit code.
 */
export async function recoverOnAws(app: string, env: string, options: RecoverOptions, follow: FollowOptions = {}): Promise<number> {
  const config = (await configFor(options, true)) as GantryConfig;
  const now = (follow.now ?? Date.now)();
  const target = await connect(options, configuredRegion(config, app, env));
  openStackReleaseHistory(target);
  const record = await readUnfinishedRollout(app, env);
  if (!record) return printNothingToRecover(app, env, options);
  const stateMachineArn = deployStateMachine(target);
  const ended = await endingOf(target.clients.stepFunctions, executionArnFor(stateMachineArn, record.execution), record.execution, app, env);
  const settings = parseDeployInput(cliDeployInput(config, app, env, { id: record.release }, { source: "cli", actor: cliActor() }));
  const input = recoveryInput(settings, { execution: record.execution, ...ended }, { source: "cli", actor: cliActor() });
  const started = await startOnStack(target, { name: recoveryExecutionName(record.execution, now.toString(36)), input }, { json: Boolean(options.json) });
  if (options.wait === false) {
    if (options.json) printJson(started);
    return 0;
  }
  return (await followExecution(target, started.executionArn, { ...follow, json: Boolean(options.json) })).exitCode;
}

/** How the rollout's execution ended; a running one is refused, a missing one (past its retention) reads FAILED. */
async function endingOf(
  stepFunctions: Parameters<typeof describeExecution>[0],
  executionArn: string,
  name: string,
  app: string,
  env: string,
): Promise<{ status: RecoverableStatus; error?: string }> {
  try {
    const description = await describeExecution(stepFunctions, executionArn);
    if (description.status === "RUNNING") {
      throw new UsageError(`${name} is still running: the unfinished rollout of ${app}/${env} is its own. gantry abort ${name} stops it and rolls it back.`);
    }
    const status = description.status ?? "FAILED";
    return isRecoverableStatus(status) ? { status, ...(description.error ? { error: description.error } : {}) } : { status: "FAILED", error: `Ended${status}` };
  } catch (error) {
    if ((error as { name?: string }).name !== "ExecutionDoesNotExist") throw error;
    return { status: "FAILED", error: "ExecutionDoesNotExist" };
  }
}
