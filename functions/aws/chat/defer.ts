import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import type { ChatJob } from "../../core/chat/chat.js";
import { ChatNotConfiguredError } from "../../core/errors.js";
import { ANSWER_FAST } from "../clients.js";
import { runtime } from "../runtime.js";

/** The event the chat function sends itself: never the shape of a Function URL event, which always has `requestContext`. */
export interface ChatJobEvent {
  chatJob: ChatJob;
}

export function isChatJobEvent(event: unknown): event is ChatJobEvent {
  return typeof event === "object" && event !== null && "chatJob" in event && !("requestContext" in event);
}

/**
 * Hands the work after the answer to a second invocation of this same function, asynchronous
 * (InvocationType Event: Lambda queues it and answers 202 at once), so the Function URL answers
 * Slack within its 3 s whatever the work costs. One function rather than a second one: the job
 * needs the same configuration, adapters and permissions, and only this function may invoke it
 * (lambda:InvokeFunction on itself), so a job event cannot come from outside. Lambda retries a
 * failed asynchronous invocation; running a job twice starts one execution, since its name comes
 * from the request's arrival time. Local mode's runtime runs the job in process instead.
 */
export async function deferChatJob(job: ChatJob): Promise<void> {
  const { deferChatJob: local, client, env } = runtime();
  if (local) return local(job);
  if (!env.functionName) throw new ChatNotConfiguredError("AWS_LAMBDA_FUNCTION_NAME is not set: the chat function cannot hand its work to itself.");
  const event: ChatJobEvent = { chatJob: job };
  await client(LambdaClient, ANSWER_FAST).send(
    new InvokeCommand({ FunctionName: env.functionName, InvocationType: "Event", Payload: new TextEncoder().encode(JSON.stringify(event)) }),
  );
}
