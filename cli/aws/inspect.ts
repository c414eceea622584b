import pLimit from "p-limit";
import type { SFNClient } from "@aws-sdk/client-sfn";
import { describeExecution, historySince, listExecutions } from "../../functions/aws/executions/step-functions.js";
import type { GantryConfig } from "../../functions/core/config/config.js";
import { consoleUrlFor, executionArnFor } from "../../functions/core/executions/execution-links.js";
import { executionsOf } from "../../functions/core/executions/execution-filter.js";
import { describeStep } from "../../functions/core/executions/execution-record.js";
import { UsageError, line, paint, printJson, statusColour } from "../output.js";
import { printExecution, printSteps } from "../executions.js";
import { summaryOf, type AwsExecutionSummary } from "./follow.js";
import { HistoryReader } from "../../functions/aws/executions/execution-history.js";
import type { AwsFlags } from "../flags.js";
import { configFor, configuredRegion, connect, deployStateMachine, type AwsTarget } from "./target.js";

export interface AwsInspectOptions extends AwsFlags {
  app?: string;
  env?: string;
  limit?: number;
  json?: boolean;
}

/** The region an execution ARN names: arn:aws:states:<region>:<account>:execution:… */
export function regionOfArn(arn: string): string | undefined {
  return arn.startsWith("arn:") ? arn.split(":")[3] || undefined : undefined;
}

function appEnvsOf(config: GantryConfig | undefined): { app: string; env: string }[] {
  return Object.entries(config?.apps ?? {}).flatMap(([app, settings]) => Object.keys(settings.environments).map((env) => ({ app, env })));
}

function needAppEnv(options: AwsInspectOptions, command: string): { app: string; env: string } {
  if (!options.app || !options.env)
    throw new UsageError(`gantry ${command} needs --app <name> and --env <name> (or an execution name or ARN) to know which executions to read.`);
  return { app: options.app, env: options.env };
}

/** One execution with its whole history, summarised as the local view summarises a local run. */
async function readExecution(stepFunctions: SFNClient, executionArn: string, now: number) {
  const reader = new HistoryReader();
  let description: Awaited<ReturnType<typeof describeExecution>>;
  try {
    description = await describeExecution(stepFunctions, executionArn);
  } catch (error) {
    if ((error as { name?: string }).name !== "ExecutionDoesNotExist") throw error;
    const name = executionArn.split(":").at(-1) ?? executionArn;
    const machine = executionArn.split(":").slice(0, -1).join(":").replace(":execution:", ":stateMachine:");
    throw new UsageError(`No execution named "${name}" on ${machine}; list them with: gantry history --app <app> --env <env>`, { cause: error });
  }
  reader.read(await historySince(stepFunctions, executionArn));
  const record = reader.record(description);
  return { summary: summaryOf(record, executionArn, now), steps: record.steps.map((step) => describeStep(step, record.startedAt)) };
}

/** The execution a command names (a name on the deploy machine, or an ARN), or the latest of an app/env. */
async function pickExecution(target: AwsTarget, execution: string | undefined, options: AwsInspectOptions, config: GantryConfig | undefined): Promise<string> {
  if (execution?.startsWith("arn:")) return execution;
  const stateMachineArn = deployStateMachine(target);
  if (execution) return executionArnFor(stateMachineArn, execution);
  const { app, env } = needAppEnv(options, "status");
  const [latest] = await listExecutions(target.clients.stepFunctions, stateMachineArn, { belongs: executionsOf(app, env, appEnvsOf(config)), limit: 1 });
  if (!latest?.executionArn)
    throw new UsageError(`No executions of ${app}/${env} on ${stateMachineArn}; start one with: gantry deploy <release> --app ${app} --env ${env}`);
  return latest.executionArn;
}

async function connectFor(execution: string | undefined, options: AwsInspectOptions): Promise<{ target: AwsTarget; config: GantryConfig | undefined }> {
  const config = await configFor(options, false);
  const fromArn = execution === undefined ? undefined : regionOfArn(execution);
  const fallback = fromArn ?? configuredRegion(config, options.app, options.env);
  return { target: await connect(options, fallback), config };
}

/** `gantry status [execution]` on AWS: one execution (default: the latest of --app/--env), where it is and how it went. */
export async function statusOnAws(execution: string | undefined, options: AwsInspectOptions, now = Date.now()): Promise<AwsExecutionSummary> {
  const { target, config } = await connectFor(execution, options);
  const { summary } = await readExecution(target.clients.stepFunctions, await pickExecution(target, execution, options, config), now);
  if (options.json) printJson(summary);
  else printExecution(summary, "detail");
  return summary;
}

/**
 * `gantry history` on AWS: with an execution, its every state (as `history --local` shows a
 * local one); without, the executions of --app/--env, newest first, each with its release
 * (read from its input: one DescribeExecution each, a few at a time).
 */
export async function historyOnAws(execution: string | undefined, options: AwsInspectOptions, now = Date.now()): Promise<unknown> {
  const { target, config } = await connectFor(execution, options);
  const stepFunctions = target.clients.stepFunctions;
  if (execution) {
    const detail = await readExecution(stepFunctions, await pickExecution(target, execution, options, config), now);
    if (options.json) printJson({ ...detail.summary, steps: detail.steps });
    else printExecutionSteps(detail.summary, detail.steps);
    return detail;
  }
  const { app, env } = needAppEnv(options, "history");
  const limit = options.limit ?? 20;
  const stateMachineArn = deployStateMachine(target);
  const listed = await listExecutions(stepFunctions, stateMachineArn, { belongs: executionsOf(app, env, appEnvsOf(config)), limit });
  const describe = pLimit(4);
  const executions = await Promise.all(
    listed.map((item) =>
      describe(async () => {
        const description = await describeExecution(stepFunctions, item.executionArn ?? "");
        const input = JSON.parse(description.input ?? "{}") as { release?: { id?: string }; trigger?: { source?: string; actor?: string } };
        return {
          name: item.name ?? "",
          status: item.status ?? "",
          release: input.release?.id ?? "?",
          trigger: [input.trigger?.source, input.trigger?.actor].filter(Boolean).join(" by "),
          startedAt: item.startDate?.toISOString() ?? "",
          ...(item.stopDate ? { stoppedAt: item.stopDate.toISOString() } : {}),
          ...(description.cause ? { cause: description.cause } : {}),
          executionArn: item.executionArn ?? "",
          consoleUrl: consoleUrlFor(item.executionArn ?? ""),
        };
      }),
    ),
  );
  if (options.json) printJson(executions);
  else if (executions.length === 0)
    line(`No executions of ${app}/${env} on ${stateMachineArn}; start one with: gantry deploy <release> --app ${app} --env ${env}`);
  else {
    for (const item of executions) {
      line(`${paint("bold", item.name)}  ${statusColour(item.status)}  ${item.release}  ${item.startedAt} → ${item.stoppedAt ?? "running"}  ${item.trigger}`);
      if (item.cause && item.status !== "SUCCEEDED") line(`  ${paint("dim", item.cause)}`);
      line(`  ${paint("dim", item.consoleUrl)}`);
    }
  }
  return executions;
}

function printExecutionSteps(summary: AwsExecutionSummary, steps: ReturnType<typeof describeStep>[]): void {
  printExecution(summary, "detail");
  printSteps(steps, summary.evidence);
}
