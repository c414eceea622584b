import type { GantryConfig } from "../config/config.js";
import { GantryError } from "../errors.js";
import { consoleUrlFor } from "../executions/execution-links.js";
import type { DeployInputRaw } from "../config/input.js";
import { decidePush } from "./push.js";
import { decideWorkflowRun } from "./workflow-run.js";
import { readPayload } from "./webhook-payload.js";
import { MAX_WEBHOOK_BODY_BYTES, type WebhookRequest } from "./webhook-request.js";

/** What gets logged about a request: never its body, its signature or the secret. */
export interface WebhookLogLine {
  event?: string;
  delivery?: string;
  repository?: string;
  ref?: string;
  decision: string;
  execution?: string;
  error?: string;
}

/** The answer to one request, and the deploy to start before answering, if any. */
export interface WebhookVerdict {
  status: number;
  body: Record<string, unknown>;
  start?: { name: string; input: DeployInputRaw };
  log: WebhookLogLine;
}

export interface WebhookDecisionInput {
  request: WebhookRequest;
  /** Whether `X-Hub-Signature-256` is the HMAC of this exact body under the webhook secret. */
  secretValid: boolean;
  config: GantryConfig;
  /** When the request arrived (epoch ms). */
  receivedAt: number;
}

const HANDLED_EVENTS = new Set(["ping", "push", "workflow_run"]);
const REDELIVER = "GitHub does not retry deliveries: redeliver this one from the webhook's Recent Deliveries";

/**
 * Decides the answer to one webhook request. Checks run cheapest and least trusting first, so
 * nothing an unsigned request says is read beyond its headers.
 */
export function decideWebhook({ request, secretValid, config, receivedAt }: WebhookDecisionInput): WebhookVerdict {
  const line = receivedLine(request);
  const { event, delivery } = line;
  const reject = (status: number, error: string, decision: string): WebhookVerdict => ({ status, body: { error }, log: { ...line, decision } });
  if (request.method !== "POST") return reject(405, `GitHub delivers webhooks with POST; this request used ${request.method}.`, "rejected: method");
  if (request.bodyProblem === "too-large")
    return reject(413, `The body is over ${MAX_WEBHOOK_BODY_BYTES / 1024 / 1024} MB, GitHub's limit for webhook payloads.`, "rejected: too large");
  if (request.bodyProblem === "not-utf8") return reject(400, "The body is not UTF-8 text; GitHub sends JSON.", "rejected: not text");
  if (!request.headers["x-hub-signature-256"]) {
    return reject(401, "The X-Hub-Signature-256 header is missing: set a secret in the webhook settings, the one gantry holds.", "rejected: unsigned");
  }
  if (!secretValid)
    return reject(401, "X-Hub-Signature-256 does not match the body: the webhook's secret is not the one gantry holds.", "rejected: bad signature");
  if (!event) return reject(400, "The X-GitHub-Event header is missing; GitHub names the event in it.", "rejected: no event");
  if (!HANDLED_EVENTS.has(event))
    return ignored(`gantry acts on push and workflow_run events; ${event} events start nothing.`, { ...line, decision: "ignored: event" });
  const reading = readPayload(request);
  if ("problem" in reading) return reject(reading.status, reading.problem, reading.status === 415 ? "rejected: content type" : "rejected: unreadable payload");
  const { payload } = reading;
  if (event === "ping")
    return { status: 200, body: { ok: true, ...(typeof payload.zen === "string" ? { zen: payload.zen } : {}) }, log: { ...line, decision: "pong" } };

  const pushLine = { ...line, ...deliveryLocation(payload) };
  const context = { config, delivery, receivedAt };
  const decision = event === "workflow_run" ? decideWorkflowRun(payload, context) : decidePush(payload, context);
  if (decision.kind === "ignored") return ignored(decision.reason, { ...pushLine, decision: `ignored: ${decision.reason}` });
  if (decision.kind === "invalid") return { status: 400, body: { error: decision.problem }, log: { ...pushLine, decision: `rejected: invalid ${event}` } };
  return {
    status: 202,
    body: { executionName: decision.name },
    start: { name: decision.name, input: decision.input },
    log: { ...pushLine, decision: "start", execution: decision.name },
  };
}

/** What the log says of a request before anything is decided: its event and delivery. */
export function receivedLine(request: WebhookRequest): WebhookLogLine {
  const event = request.headers["x-github-event"] || undefined;
  const delivery = request.headers["x-github-delivery"] || undefined;
  return { ...(event ? { event } : {}), ...(delivery ? { delivery } : {}), decision: "received" };
}

/** The answer once the deploy has started, or was found already started by an earlier delivery. */
export function answerStarted(verdict: WebhookVerdict, started: { executionArn: string; alreadyHandled: boolean }): WebhookVerdict {
  const executionName = verdict.start?.name;
  const links = { executionArn: started.executionArn, executionName, consoleUrl: consoleUrlFor(started.executionArn) };
  const body = started.alreadyHandled ? { alreadyHandled: true, ...links } : links;
  return { status: 202, body, log: { ...verdict.log, decision: started.alreadyHandled ? "already handled" : "started" } };
}

/**
 * The answer when gantry itself failed. Only here is a status 5xx: a transient AWS failure is
 * 503 with a hint to redeliver, anything else 500. Details go to the log, not to the caller.
 */
export function failureVerdict(error: unknown, log: WebhookLogLine): WebhookVerdict {
  const name = error instanceof Error ? error.name : "Error";
  const failedLog = { ...log, decision: "failed", error: error instanceof Error ? `${name}: ${error.message}` : String(error) };
  if (error instanceof GantryError && error.transient) {
    return {
      status: 503,
      body: { error: `AWS is unavailable or throttling (${name}); nothing was started. ${REDELIVER} in a minute.`, retryable: true },
      log: failedLog,
    };
  }
  return {
    status: 500,
    body: { error: `gantry failed (${name}); nothing was started and its log says why. ${REDELIVER} once that is fixed.`, retryable: false },
    log: failedLog,
  };
}

function ignored(reason: string, log: WebhookLogLine): WebhookVerdict {
  return { status: 202, body: { ignored: true, reason }, log };
}

/** The repository and ref a push or workflow run names, for the log line. */
function deliveryLocation(payload: Record<string, unknown>): { repository?: string; ref?: string } {
  const repository = (payload.repository as { full_name?: unknown } | null | undefined)?.full_name;
  const branch = (payload.workflow_run as { head_branch?: unknown } | null | undefined)?.head_branch;
  const ref = typeof payload.ref === "string" ? payload.ref : typeof branch === "string" ? `refs/heads/${branch}` : undefined;
  return { ...(typeof repository === "string" ? { repository } : {}), ...(ref ? { ref } : {}) };
}
