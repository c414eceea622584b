import { SFNClient } from "@aws-sdk/client-sfn";
import type { LatestExecution } from "../../core/chat/chat-replies.js";
import { executionsOf } from "../../core/executions/execution-filter.js";
import { ANSWER_FAST } from "../clients.js";
import { runtime } from "../runtime.js";
import { deployStateMachineArn } from "./executions.js";
import { describeExecution, listExecutions } from "./step-functions.js";

/** Reads an app/env's newest execution; local mode's runtime carries one that reads its records. */
export type LatestExecutionReader = (app: string, env: string) => Promise<LatestExecution | undefined>;

/**
 * The newest execution of an app/env on the deploy state machine: one ListExecutions page (it
 * lists newest first) and one DescribeExecution for its input and cause. The history is not
 * read: a chat reply says where a deploy stands and links to the console for the rest.
 */
export async function latestExecution(app: string, env: string): Promise<LatestExecution | undefined> {
  const { latestExecution: local, client, config } = runtime();
  if (local) return local(app, env);
  const stepFunctions = client(SFNClient, ANSWER_FAST);
  const configured = Object.entries(config().apps).flatMap(([name, settings]) => Object.keys(settings.environments).map((e) => ({ app: name, env: e })));
  const [newest] = await listExecutions(stepFunctions, deployStateMachineArn(), { belongs: executionsOf(app, env, configured), limit: 1 });
  if (!newest?.executionArn) return undefined;
  const description = await describeExecution(stepFunctions, newest.executionArn);
  const input = readInput(description.input);
  return {
    name: description.name ?? newest.name ?? "",
    executionArn: newest.executionArn,
    status: description.status ?? newest.status ?? "UNKNOWN",
    ...(input.release?.id ? { release: input.release.id } : {}),
    ...(input.trigger?.source ? { trigger: [input.trigger.source, input.trigger.actor].filter(Boolean).join(" by ") } : {}),
    startedAt: (description.startDate ?? newest.startDate)?.getTime() ?? 0,
    ...(description.stopDate ? { stoppedAt: description.stopDate.getTime() } : {}),
    ...(description.cause ? { cause: description.cause } : {}),
  };
}

function readInput(text: string | undefined): { release?: { id?: string }; trigger?: { source?: string; actor?: string } } {
  try {
    return JSON.parse(text ?? "{}") as { release?: { id?: string }; trigger?: { source?: string; actor?: string } };
  } catch {
    return {};
  }
}
