import { createHmac } from "node:crypto";
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from "aws-lambda";
import { parseConfig, type GantryConfig } from "../../../functions/core/config/config.js";
import { handler } from "../../../functions/chat/handler.js";

/** Slack's side of the tests: the signing secret, the members and channels, and signed slash command requests. */

export const SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
export const SIGNING_SECRET_PARAMETER = "/gantry/slack-signing-secret";
export const STATE_MACHINE_ARN = "arn:aws:states:eu-west-1:123456789012:stateMachine:gantry-deploy";
export const MEMBER = "U024BE7LH";
export const CHANNEL = "C2147483705";
export const NOW = Date.parse("2026-03-04T09:00:00.000Z");
const TG = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/hello-prod/0000000000000001";

export const chatConfig: GantryConfig = parseConfig({
  apps: {
    hello: {
      repository: "octo-org/hello",
      environments: {
        prod: { branch: "main", region: "eu-west-1", group: { autoScalingGroupName: "hello-prod", targetGroupArns: [TG] } },
        // Its executions' names start with hello-prod- too: status of hello/prod must leave them out.
        "prod-eu": { branch: "main-eu", region: "eu-west-1", group: { autoScalingGroupName: "hello-prod-eu", targetGroupArns: [TG] } },
        staging: { branch: "staging", region: "eu-west-1", group: { autoScalingGroupName: "hello-staging", targetGroupArns: [TG] } },
      },
    },
  },
  chat: { slack: { users: [MEMBER], channels: [CHANNEL] } },
});

/** A slash command's form body as Slack posts it (the fields of Slack's documented example). */
export function slashBody(text: string, fields: Record<string, string> = {}): string {
  return new URLSearchParams({
    token: "gIkuvaNzQIHg97ATvDxqgjtO",
    team_id: "T0001",
    team_domain: "example",
    channel_id: CHANNEL,
    channel_name: "deploys",
    user_id: MEMBER,
    user_name: "steve",
    command: "/gantry",
    text,
    response_url: "https://hooks.slack.com/commands/1234/5678",
    trigger_id: "13345224609.738474920.8088930838d88f008e0",
    api_app_id: "A123456",
    ...fields,
  }).toString();
}

/** Signs as Slack does, written out here apart from the code under test: v0= and the hex HMAC-SHA256 of v0:timestamp:body. */
export function signed(body: string, options: { secret?: string; timestamp?: number } = {}): Record<string, string> {
  const timestamp = String(options.timestamp ?? Math.floor(NOW / 1000));
  const digest = createHmac("sha256", options.secret ?? SIGNING_SECRET)
    .update(`v0:${timestamp}:${body}`)
    .digest("hex");
  return { "x-slack-request-timestamp": timestamp, "x-slack-signature": `v0=${digest}` };
}

/** The Function URL event of one request, arriving at NOW. */
export function request(body: string, headers: Record<string, string>, options: { method?: string; contentType?: string } = {}): APIGatewayProxyEventV2 {
  return {
    version: "2.0",
    routeKey: "$default",
    rawPath: "/",
    rawQueryString: "",
    headers: { "content-type": options.contentType ?? "application/x-www-form-urlencoded", ...headers },
    requestContext: {
      accountId: "123456789012",
      apiId: "chat",
      domainName: "chat.lambda-url.eu-west-1.on.aws",
      domainPrefix: "chat",
      http: {
        method: options.method ?? "POST",
        path: "/",
        protocol: "HTTP/1.1",
        sourceIp: "203.0.113.7",
        userAgent: "Slackbot 1.0 (+https://api.slack.com/robots)",
      },
      requestId: "req-1",
      routeKey: "$default",
      stage: "$default",
      time: new Date(NOW).toUTCString(),
      timeEpoch: NOW,
    },
    body: Buffer.from(body).toString("base64"),
    isBase64Encoded: true,
  };
}

/** Calls the handler as its Function URL would and reads the answer. */
export async function call(event: APIGatewayProxyEventV2): Promise<{ status: number; body: Record<string, unknown> }> {
  const result = (await handler(event, { awsRequestId: "req-1", functionName: "gantry-chat" } as Context)) as APIGatewayProxyStructuredResultV2;
  return { status: result.statusCode ?? 0, body: JSON.parse(result.body ?? "{}") as Record<string, unknown> };
}
