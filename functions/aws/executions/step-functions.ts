import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  StartExecutionCommand,
  type DescribeExecutionCommandOutput,
  type ExecutionListItem,
  type HistoryEvent,
  type SFNClient,
} from "@aws-sdk/client-sfn";
import { consoleUrlFor, executionArnFor } from "../../core/executions/execution-links.js";

/** An execution the CLI started, or found already started under the same name. */
export interface StartedExecution {
  executionName: string;
  executionArn: string;
  consoleUrl: string;
  alreadyStarted: boolean;
}

/**
 * Starts `name` on `stateMachineArn`. Names are unique per state machine for 90 days: a name
 * already taken (ExecutionAlreadyExists, which carries no ARN) means it was started before, so
 * the answer points at that execution instead of failing.
 */
export async function startExecution(stepFunctions: SFNClient, start: { stateMachineArn: string; name: string; input: unknown }): Promise<StartedExecution> {
  const { stateMachineArn, name } = start;
  try {
    const answer = await stepFunctions.send(new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(start.input) }));
    const executionArn = answer.executionArn ?? executionArnFor(stateMachineArn, name);
    return { executionName: name, executionArn, consoleUrl: consoleUrlFor(executionArn), alreadyStarted: false };
  } catch (error) {
    if (!(error instanceof Error && error.name === "ExecutionAlreadyExists")) throw error;
    const executionArn = executionArnFor(stateMachineArn, name);
    return { executionName: name, executionArn, consoleUrl: consoleUrlFor(executionArn), alreadyStarted: true };
  }
}

export function describeExecution(stepFunctions: SFNClient, executionArn: string): Promise<DescribeExecutionCommandOutput> {
  return stepFunctions.send(new DescribeExecutionCommand({ executionArn }));
}

/**
 * The history events after event `afterId`, oldest first. Read newest first and stop at the
 * first event already seen, so a poll of a long execution costs one page, not the whole history
 * (up to 25,000 events) again.
 */
export async function historySince(stepFunctions: SFNClient, executionArn: string, afterId = 0): Promise<HistoryEvent[]> {
  const fresh: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await stepFunctions.send(new GetExecutionHistoryCommand({ executionArn, reverseOrder: true, maxResults: 1000, nextToken }));
    for (const event of page.events ?? []) {
      if ((event.id ?? 0) <= afterId) return fresh.reverse();
      fresh.push(event);
    }
    nextToken = page.nextToken;
  } while (nextToken);
  return fresh.reverse();
}

/**
 * Executions of a state machine whose names `belongs` accepts, newest first (ListExecutions
 * sorts by start time, most recent first), at most `limit`. The filter runs after each page,
 * so paging goes on until enough match or the list ends.
 */
export async function listExecutions(
  stepFunctions: SFNClient,
  stateMachineArn: string,
  options: { belongs: (name: string) => boolean; limit: number },
): Promise<ExecutionListItem[]> {
  const found: ExecutionListItem[] = [];
  let nextToken: string | undefined;
  do {
    const page = await stepFunctions.send(new ListExecutionsCommand({ stateMachineArn, maxResults: 1000, nextToken }));
    for (const execution of page.executions ?? []) {
      if (execution.name !== undefined && options.belongs(execution.name)) found.push(execution);
      if (found.length === options.limit) return found;
    }
    nextToken = page.nextToken;
  } while (nextToken);
  return found;
}
