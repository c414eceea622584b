import middy from "@middy/core";
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from "aws-lambda";
import { now } from "../aws/clock.js";
import { deployStateMachineArn, startDeploy } from "../aws/executions/executions.js";
import { runtimeLogger, runtime } from "../aws/runtime.js";
import { webhookSecret } from "../aws/webhook/webhook-secret.js";
import { answerStarted, decideWebhook, failureVerdict, receivedLine, type WebhookLogLine, type WebhookVerdict } from "../core/webhook/webhook.js";
import { readWebhookRequest, signatureMatches, signatureToCheck } from "../core/webhook/webhook-request.js";
import { requestContext } from "../wiring/lambda.js";

/**
 * What is known about each request so far, for the log line of a request that fails midway.
 * Keyed by the event object, so nothing outlives the request.
 */
const known = new WeakMap<object, WebhookLogLine>();

/**
 * The GitHub webhook (Lambda Function URL): checks the signature, decides in core, and starts
 * at most one deploy execution. Client mistakes get a 4xx; only gantry's own failures a 5xx.
 * An HTTP Lambda, so not a step, but on the same runtime and request-scoped logger.
 */
export const handler = middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Error, Context>()
  .use(requestContext())
  .use({
    onError: (request) => {
      request.response = respond(failureVerdict(request.error, known.get(request.event) ?? { decision: "received" }));
    },
  })
  .handler(async (event) => {
    const request = readWebhookRequest(event);
    known.set(event, receivedLine(request));
    const signature = signatureToCheck(request);
    // No signature, no secret: an unsigned request costs no SSM call.
    const secretValid = signature !== undefined && (await signatureMatches(await webhookSecret(), request.body, signature));
    const verdict = decideWebhook({ request, secretValid, config: runtime().config(), receivedAt: event.requestContext?.timeEpoch ?? now() });
    known.set(event, verdict.log);
    if (!verdict.start) return respond(verdict);
    const started = await startDeploy({ stateMachineArn: deployStateMachineArn(), ...verdict.start });
    return respond(answerStarted(verdict, started));
  });

/** One log line per request: what was decided, never the secret, the signature or the body. */
function respond(verdict: WebhookVerdict): APIGatewayProxyStructuredResultV2 {
  runtimeLogger().info("webhook", { function: "webhook", ...verdict.log });
  return {
    statusCode: verdict.status,
    headers: { "content-type": "application/json", ...(verdict.status === 503 ? { "retry-after": "60" } : {}) },
    body: JSON.stringify(verdict.body),
  };
}
