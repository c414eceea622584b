import { setTimeout as sleep } from "node:timers/promises";
import type { DescribeExecutionCommandOutput } from "@aws-sdk/client-sfn";
import { describeExecution, historySince } from "../../functions/aws/executions/step-functions.js";
import { consoleUrlFor } from "../../functions/core/executions/execution-links.js";
import { summarizeExecution, type ExecutionSummary } from "../../functions/core/executions/execution-record.js";
import type { ExecutionRecord } from "../../functions/core/executions/execution-record.js";
import { printExecution } from "../executions.js";
import { note, printJson } from "../output.js";
import { progressPrinter } from "../progress.js";
import { HistoryReader } from "../../functions/aws/executions/execution-history.js";
import type { AwsTarget } from "./target.js";

/** An execution's summary as `status`, `history` and `deploy --wait` print it, with where it lives. */
export type AwsExecutionSummary = ExecutionSummary & { executionArn: string; consoleUrl: string };

export interface FollowOptions {
  json?: boolean;
  /** Seconds between polls. Coarse on purpose: a deploy's steps take tens of seconds, and each poll costs two calls. */
  pollSeconds?: number;
  wait?: (ms: number) => Promise<unknown>;
  /** The clock, for the running time of an execution still going. */
  now?: () => number;
}

export interface FollowResult {
  summary: AwsExecutionSummary;
  record: ExecutionRecord;
  /** 0 when the execution succeeded, 1 otherwise (failed, rolled back, aborted, timed out). */
  exitCode: number;
}

export function summaryOf(record: ExecutionRecord, executionArn: string, now: number): AwsExecutionSummary {
  return { ...summarizeExecution(record, now), executionArn, consoleUrl: consoleUrlFor(executionArn) };
}

/**
 * Follows an execution to its end: DescribeExecution for the status, GetExecutionHistory for
 * the new events since the last poll, each state and what each step reported as progress on
 * stderr. Prints the outcome (the cause when it failed) and, with `json`, the summary as the
 * last line of stdout.
 */
export async function followExecution(target: AwsTarget, executionArn: string, options: FollowOptions = {}): Promise<FollowResult> {
  const stepFunctions = target.clients.stepFunctions;
  const wait = options.wait ?? sleep;
  const reader = new HistoryReader(progressPrinter({ quiet: false, out: note }));
  let description: DescribeExecutionCommandOutput;
  for (;;) {
    // Describe first: once it reports an end, the history read after it holds the last events.
    description = await describeExecution(stepFunctions, executionArn);
    reader.read(await historySince(stepFunctions, executionArn, reader.lastEventId));
    if (description.status !== "RUNNING") break;
    await wait((options.pollSeconds ?? 5) * 1000);
  }
  const record = reader.record(description);
  const summary = summaryOf(record, executionArn, (options.now ?? Date.now)());
  printOutcome(summary, Boolean(options.json));
  return { summary, record, exitCode: description.status === "SUCCEEDED" ? 0 : 1 };
}

function printOutcome(summary: AwsExecutionSummary, json: boolean): void {
  if (json) printJson(summary);
  else printExecution(summary, "outcome");
}
