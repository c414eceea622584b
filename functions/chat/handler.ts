import middy from "@middy/core";
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from "aws-lambda";
import { deferChatJob, isChatJobEvent, type ChatJobEvent } from "../aws/chat/defer.js";
import { postToResponseUrl } from "../aws/chat/response-url.js";
import { runChatJob } from "../aws/chat/chat-runners.js";
import { slackSigningSecret } from "../aws/chat/signing-secret.js";
import { now } from "../aws/clock.js";
import { runtime, runtimeLogger } from "../aws/runtime.js";
import { decideChat, isSigned, type ChatLogLine, type ChatVerdict } from "../core/chat/chat.js";
import { verifySlackSignature } from "../core/chat/slack-signature.js";
import { readWebhookRequest } from "../core/webhook/webhook-request.js";
import { requestContext } from "../wiring/lambda.js";

type ChatEvent = APIGatewayProxyEventV2 | ChatJobEvent;

/** What is known about each request so far, for the log line of one that fails midway. */
const known = new WeakMap<object, ChatLogLine>();

/**
 * The Slack slash command endpoint (Lambda Function URL) and, invoked by itself, the work after
 * its answer. A request is checked (signature, timestamp, member, channel, command), answered at
 * once, and its job handed to an asynchronous invocation that posts the result to Slack's
 * response_url. An HTTP Lambda, so not a step, but on the same runtime and request-scoped logger.
 */
export const handler = middy<ChatEvent, APIGatewayProxyStructuredResultV2 | undefined, Error, Context>()
  .use(requestContext())
  .use({
    onError: (request) => {
      // A job's failure is already told to Slack by runChatJob; only the HTTP answer is left to make.
      if (isChatJobEvent(request.event)) return;
      request.response = respond(failureVerdict(request.error, known.get(request.event) ?? { decision: "received" }));
    },
  })
  .handler(async (event) => {
    if (isChatJobEvent(event)) return followUp(event);
    const request = readWebhookRequest(event);
    // The Function URL's arrival time, not the runtime's clock: local mode's clock runs virtual
    // time, and a signature's freshness is a matter of the real one.
    const receivedAt = event.requestContext?.timeEpoch ?? now();
    // No signature, no secret: an unsigned request costs no SSM call.
    const signature = isSigned(request)
      ? verifySlackSignature(
          await slackSigningSecret(),
          { timestamp: request.headers["x-slack-request-timestamp"] ?? "", signature: request.headers["x-slack-signature"] ?? "", body: request.body },
          receivedAt,
        )
      : undefined;
    const verdict = decideChat({ request, signature, config: runtime().config(), receivedAt });
    known.set(event, verdict.log);
    if (verdict.job) await deferChatJob(verdict.job);
    return respond(verdict);
  });

/** The deferred half: run the job and post its message where Slack said. */
async function followUp({ chatJob }: ChatJobEvent): Promise<undefined> {
  const message = await runChatJob(chatJob);
  const status = await postToResponseUrl(chatJob.responseUrl, message).catch((error: unknown) => (error instanceof Error ? error.message : String(error)));
  runtimeLogger().info("chat follow-up", { function: "chat", subcommand: chatJob.task.command, app: chatJob.task.app, env: chatJob.task.env, posted: status });
  return undefined;
}

/**
 * gantry's own failure after the request was read (SSM, Lambda): still a 200, because Slack
 * shows a 200's text to the person and anything else as a bare "dispatch_failed". Details go
 * to the log.
 */
function failureVerdict(error: unknown, log: ChatLogLine): ChatVerdict {
  const name = error instanceof Error ? error.name : "Error";
  const transient = typeof error === "object" && error !== null && (error as { transient?: unknown }).transient === true;
  const text = transient
    ? `AWS is unavailable or throttling (${name}); nothing was started. Try the command again in a minute.`
    : `gantry failed (${name}); nothing was started and its log says why.`;
  return {
    status: 200,
    body: { response_type: "ephemeral", text },
    log: { ...log, decision: "failed", error: error instanceof Error ? `${name}: ${error.message}` : String(error) },
  };
}

/** One log line per request: what was decided, never the secret, the signature or the body. */
function respond(verdict: ChatVerdict): APIGatewayProxyStructuredResultV2 {
  runtimeLogger().info("chat", { function: "chat", ...verdict.log });
  return { statusCode: verdict.status, headers: { "content-type": "application/json" }, body: JSON.stringify(verdict.body) };
}
