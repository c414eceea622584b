import { createRequire } from "node:module";
import type { WebhookDefinition } from "@octokit/webhooks-examples";
import { sign } from "@octokit/webhooks-methods";
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from "aws-lambda";
import { parseConfig, type GantryConfig } from "../../../functions/core/config/config.js";
import { handler } from "../../../functions/webhook/handler.js";

/**
 * GitHub's own example deliveries (@octokit/webhooks-examples) and the Function URL events that
 * carry them. The examples come from Codertocat/Hello-World, so the test configuration deploys
 * that repository rather than the payloads being rewritten to fit.
 */

export const SECRET = "It's a Secret to Everybody";
export const SECRET_PARAMETER = "/gantry/webhook-secret";
export const STATE_MACHINE_ARN = "arn:aws:states:eu-west-1:123456789012:stateMachine:gantry-deploy";
export const DELIVERY = "72d3162e-cc78-11e3-81ab-4c9367dc0958";
export const RECEIVED_AT = Date.parse("2025-03-04T09:00:00.000Z");
export const TG = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/hello-prod/0000000000000001";

export const testConfig: GantryConfig = parseConfig({
  apps: {
    hello: {
      repository: "Codertocat/Hello-World",
      environments: {
        prod: {
          branch: "master",
          region: "eu-west-1",
          group: { autoScalingGroupName: "hello-prod", targetGroupArns: [TG] },
          strategy: { batches: [1, "50%"] },
        },
        staging: { branch: "staging", region: "eu-west-1", group: { autoScalingGroupName: "hello-staging", targetGroupArns: [TG] } },
      },
    },
    // GitHub's workflow_run examples come from octo-org/octo-repo, whose workflow is named "test".
    octo: {
      repository: "octo-org/octo-repo",
      environments: {
        prod: {
          branch: "master",
          region: "eu-west-1",
          trigger: { workflowRun: "test" },
          group: { autoScalingGroupName: "octo-prod", targetGroupArns: [TG] },
        },
      },
    },
  },
});

const definitions = createRequire(import.meta.url)("@octokit/webhooks-examples") as WebhookDefinition[];

function examples<N extends WebhookDefinition["name"]>(name: N): WebhookDefinition<N>["examples"] {
  const definition = definitions.find((candidate) => candidate.name === name) as WebhookDefinition<N> | undefined;
  if (!definition) throw new Error(`no ${name} examples in @octokit/webhooks-examples`);
  return structuredClone(definition.examples);
}

function first<T>(list: T[], what: string, test: (item: T) => boolean): T {
  const found = list.find(test);
  if (!found) throw new Error(`no example of ${what}`);
  return found;
}

/** A push of new commits to `refs/heads/master`. */
export function pushToBranch() {
  return first(examples("push"), "a branch push", (push) => push.ref.startsWith("refs/heads/") && !push.deleted);
}

/** A push that created a tag. */
export function pushOfTag() {
  return first(examples("push"), "a tag push", (push) => push.ref.startsWith("refs/tags/") && !push.deleted);
}

/** A push that deleted a ref; GitHub's example deletes a tag, so only the ref is changed to a branch. */
export function branchDeletion() {
  const deletion = first(examples("push"), "a deletion", (push) => push.deleted);
  return { ...deletion, ref: "refs/heads/master" };
}

/** A run of workflow "test" on master that completed successfully. */
export function workflowRunSucceeded() {
  return first(
    examples("workflow_run"),
    "a successful run",
    (run) => run.action === "completed" && run.workflow_run.conclusion === "success" && run.repository.full_name === "octo-org/octo-repo",
  );
}

/** A run that was requested, not yet completed. */
export function workflowRunRequested() {
  return first(examples("workflow_run"), "a requested run", (run) => run.action === "requested");
}

/** A completed run in Codertocat/Hello-World of a commit whose head repository is another one (as a fork's is). */
export function workflowRunOfOtherRepository() {
  return first(
    examples("workflow_run"),
    "a run of another repository's commit",
    (run) => run.action === "completed" && run.workflow_run.head_repository.full_name !== run.repository.full_name,
  );
}

export function ping() {
  return first(examples("ping"), "a ping", () => true);
}

export function issueOpened() {
  return first(examples("issues"), "an issue", (issue) => issue.action === "opened");
}

export interface EventOptions {
  event?: string;
  delivery?: string;
  secret?: string;
  contentType?: string;
  base64?: boolean;
  /** Replaces or (with undefined) removes headers after signing. */
  headers?: Record<string, string | undefined>;
  method?: string;
}

/** A Function URL event delivering `body` (a payload, or raw text) signed with the secret. */
export async function delivery(body: unknown, options: EventOptions = {}): Promise<APIGatewayProxyEventV2> {
  const raw = typeof body === "string" ? body : JSON.stringify(body);
  const headers: Record<string, string | undefined> = {
    "content-type": options.contentType ?? "application/json",
    "user-agent": "GitHub-Hookshot/044aadd",
    "x-github-event": options.event ?? "push",
    "x-github-delivery": options.delivery ?? DELIVERY,
    "x-hub-signature-256": await sign(options.secret ?? SECRET, raw),
    ...options.headers,
  };
  return functionUrlEvent(raw, headers, options);
}

/** A Function URL event (payload format 2.0) as Lambda passes it. */
export function functionUrlEvent(
  raw: string,
  headers: Record<string, string | undefined>,
  options: { base64?: boolean; method?: string } = {},
): APIGatewayProxyEventV2 {
  return {
    version: "2.0",
    routeKey: "$default",
    rawPath: "/",
    rawQueryString: "",
    headers,
    requestContext: {
      accountId: "anonymous",
      apiId: "abcdefghijklmnop",
      domainName: "abcdefghijklmnop.lambda-url.eu-west-1.on.aws",
      domainPrefix: "abcdefghijklmnop",
      http: { method: options.method ?? "POST", path: "/", protocol: "HTTP/1.1", sourceIp: "140.82.115.1", userAgent: "GitHub-Hookshot/044aadd" },
      requestId: "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
      routeKey: "$default",
      stage: "$default",
      time: "04/Mar/2025:09:00:00 +0000",
      timeEpoch: RECEIVED_AT,
    },
    body: options.base64 ? Buffer.from(raw, "utf8").toString("base64") : raw,
    isBase64Encoded: options.base64 ?? false,
  };
}

/** Calls the webhook handler and reads its JSON answer. */
export async function call(event: APIGatewayProxyEventV2): Promise<{ status: number; body: Record<string, unknown>; headers: Record<string, unknown> }> {
  const result = (await handler(event, {} as Context)) as APIGatewayProxyStructuredResultV2;
  return { status: result.statusCode ?? 0, body: JSON.parse(result.body ?? "null") as Record<string, unknown>, headers: result.headers ?? {} };
}
