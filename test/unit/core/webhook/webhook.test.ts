import { describe, expect, it } from "vitest";
import { parseConfig } from "../../../../functions/core/config/config.js";
import { AwsThrottledError, InvalidConfigError } from "../../../../functions/core/errors.js";
import { answerStarted, decideWebhook, failureVerdict, type WebhookDecisionInput } from "../../../../functions/core/webhook/webhook.js";
import type { WebhookRequest } from "../../../../functions/core/webhook/webhook-request.js";

const TG = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/web/1";
const SHA = "6113728f27ae82c7b1a177c8d03f9e96e0adf246";
const DELIVERY = "72d3162e-cc78-11e3-81ab-4c9367dc0958";
const config = parseConfig({
  apps: {
    hello: {
      repository: "octo-org/hello",
      environments: { prod: { branch: "main", region: "eu-west-1", group: { autoScalingGroupName: "hello-prod", targetGroupArns: [TG] } } },
    },
  },
});

const pushBody = JSON.stringify({
  ref: "refs/heads/main",
  after: SHA,
  deleted: false,
  repository: { full_name: "octo-org/hello" },
  pusher: { name: "octocat" },
});

function request(overrides: Partial<WebhookRequest> = {}, headers: Record<string, string | undefined> = {}): WebhookRequest {
  const all: Record<string, string | undefined> = {
    "content-type": "application/json",
    "x-github-event": "push",
    "x-github-delivery": DELIVERY,
    "x-hub-signature-256": "sha256=checked-elsewhere",
    ...headers,
  };
  const defined = Object.fromEntries(Object.entries(all).filter((entry): entry is [string, string] => entry[1] !== undefined));
  return { method: "POST", headers: defined, body: pushBody, ...overrides };
}

function decide(overrides: Partial<WebhookDecisionInput> = {}) {
  return decideWebhook({ request: request(), secretValid: true, config, receivedAt: 1_741_078_800_000, ...overrides });
}

describe("decideWebhook", () => {
  it("starts a deploy for a signed push to a configured branch, logging the execution", () => {
    const verdict = decide();

    expect(verdict.status).toBe(202);
    expect(verdict.start).toMatchObject({ name: "hello-prod-6113728f27ae-72d3162e", input: { app: "hello", env: "prod", release: { id: "6113728f27ae" } } });
    expect(verdict.log).toEqual({
      event: "push",
      delivery: DELIVERY,
      repository: "octo-org/hello",
      ref: "refs/heads/main",
      decision: "start",
      execution: "hello-prod-6113728f27ae-72d3162e",
    });
  });

  it("rejects a method other than POST with 405 before anything else", () => {
    expect(decide({ request: request({ method: "GET", bodyProblem: "too-large" }), secretValid: false }).status).toBe(405);
  });

  it("rejects a body over the limit with 413 before looking at the signature", () => {
    const verdict = decide({ request: request({ bodyProblem: "too-large", body: "" }), secretValid: false });

    expect(verdict).toMatchObject({ status: 413, body: { error: "The body is over 25 MB, GitHub's limit for webhook payloads." } });
  });

  it("rejects a missing signature and a wrong one with 401, in different words", () => {
    const unsigned = decide({ request: request({}, { "x-hub-signature-256": undefined }), secretValid: false });
    const wrong = decide({ secretValid: false });

    expect(unsigned).toMatchObject({ status: 401, log: { decision: "rejected: unsigned" } });
    expect(wrong).toMatchObject({ status: 401, log: { decision: "rejected: bad signature" } });
    expect(unsigned.body.error).not.toEqual(wrong.body.error);
  });

  it("rejects an unsigned request even when it names no event, so nothing unsigned learns more than 401", () => {
    expect(
      decide({ request: request({ body: "not json" }, { "x-hub-signature-256": undefined, "x-github-event": undefined }), secretValid: false }).status,
    ).toBe(401);
  });

  it("rejects a signed request without an event header with 400", () => {
    expect(decide({ request: request({}, { "x-github-event": undefined }) })).toMatchObject({ status: 400, log: { decision: "rejected: no event" } });
  });

  it("ignores other events without reading their body", () => {
    const verdict = decide({ request: request({ body: "<not json>" }, { "x-github-event": "check_suite", "content-type": "text/html" }) });

    expect(verdict).toEqual({
      status: 202,
      body: { ignored: true, reason: "gantry acts on push and workflow_run events; check_suite events start nothing." },
      log: { event: "check_suite", delivery: DELIVERY, decision: "ignored: event" },
    });
  });

  it("answers a ping with its zen, and without one when GitHub sends none", () => {
    const withZen = decide({ request: request({ body: '{"zen":"Design for failure.","hook_id":1}' }, { "x-github-event": "ping" }) });
    const without = decide({ request: request({ body: '{"hook_id":1}' }, { "x-github-event": "ping" }) });

    expect(withZen).toMatchObject({ status: 200, body: { ok: true, zen: "Design for failure." } });
    expect(without.body).toEqual({ ok: true });
  });

  it("rejects an unreadable payload with 400 and keeps the body out of the log", () => {
    const verdict = decide({ request: request({ body: '{"secret-looking": ' }) });

    expect(verdict.status).toBe(400);
    expect(JSON.stringify(verdict.log)).not.toContain("secret-looking");
  });

  it("answers an ignored push 202 with the reason, logging where it was pushed", () => {
    const verdict = decide({ request: request({ body: pushBody.replace("refs/heads/main", "refs/tags/v1") }) });

    expect(verdict).toMatchObject({ status: 202, body: { ignored: true }, log: { repository: "octo-org/hello", ref: "refs/tags/v1" } });
    expect(verdict.start).toBeUndefined();
  });

  it("rejects a push payload missing fields with 400", () => {
    expect(decide({ request: request({ body: '{"ref":"refs/heads/main"}' }) })).toMatchObject({ status: 400, log: { decision: "rejected: invalid push" } });
  });
});

describe("answerStarted", () => {
  const arn = "arn:aws:states:eu-west-1:123456789012:execution:gantry-deploy:hello-prod-6113728f27ae-72d3162e";

  it("answers where to watch a started deploy", () => {
    const verdict = answerStarted(decide(), { executionArn: arn, alreadyHandled: false });

    expect(verdict).toMatchObject({ status: 202, log: { decision: "started" } });
    expect(verdict.body).toEqual({
      executionArn: arn,
      executionName: "hello-prod-6113728f27ae-72d3162e",
      consoleUrl: `https://eu-west-1.console.aws.amazon.com/states/home?region=eu-west-1#/v2/executions/details/${arn}`,
    });
  });

  it("says a redelivered push was already handled", () => {
    const verdict = answerStarted(decide(), { executionArn: arn, alreadyHandled: true });

    expect(verdict).toMatchObject({ status: 202, body: { alreadyHandled: true, executionArn: arn }, log: { decision: "already handled" } });
  });
});

describe("failureVerdict", () => {
  it("answers a transient AWS failure with 503 and a hint to redeliver", () => {
    const verdict = failureVerdict(new AwsThrottledError("Rate exceeded"), { event: "push", decision: "start" });

    expect(verdict).toMatchObject({
      status: 503,
      body: { retryable: true },
      log: { event: "push", decision: "failed", error: "AwsThrottledError: Rate exceeded" },
    });
    expect(verdict.body.error).toContain("redeliver");
  });

  it("answers any other failure with 500, naming the error but not its details", () => {
    const verdict = failureVerdict(new InvalidConfigError("gantry.config.ts is invalid: apps.hello.repository …"), { decision: "start" });

    expect(verdict.status).toBe(500);
    expect(verdict.body.error).toContain("InvalidConfigError");
    expect(verdict.body.error).not.toContain("apps.hello");
    expect(verdict.log.error).toContain("apps.hello.repository");
  });

  it("answers a thrown non-error with 500", () => {
    expect(failureVerdict("boom", { decision: "start" })).toMatchObject({ status: 500, log: { error: "boom" } });
  });
});
