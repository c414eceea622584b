import { describe, expect, it } from "vitest";
import { parseConfig } from "../../../../functions/core/config/config.js";
import { decidePush, type PushContext } from "../../../../functions/core/webhook/push.js";

const TG = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/web/1";
const SHA = "6113728f27ae82c7b1a177c8d03f9e96e0adf246";
const RECEIVED_AT = Date.parse("2025-03-04T09:00:00.000Z");

const config = parseConfig({
  apps: {
    hello: {
      repository: "octo-org/hello",
      environments: {
        prod: { branch: "main", region: "eu-west-1", group: { autoScalingGroupName: "hello-prod", targetGroupArns: [TG] } },
        staging: { branch: "release/next", region: "eu-west-1", group: { autoScalingGroupName: "hello-staging", targetGroupArns: [TG] } },
      },
    },
  },
});

const context: PushContext = { config, delivery: "72d3162e-cc78-11e3-81ab-4c9367dc0958", receivedAt: RECEIVED_AT };

function push(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    ref: "refs/heads/main",
    before: "0".repeat(40),
    after: SHA,
    deleted: false,
    repository: { full_name: "octo-org/hello" },
    pusher: { name: "octocat", email: "octocat@github.com" },
    sender: { login: "octocat-bot" },
    ...overrides,
  };
}

describe("decidePush", () => {
  it("starts the environment of the branch with the head commit's first 12 characters as the release", () => {
    const decision = decidePush(push(), context);

    expect(decision).toEqual({
      kind: "start",
      app: "hello",
      env: "prod",
      name: "hello-prod-6113728f27ae-72d3162e",
      input: {
        app: "hello",
        env: "prod",
        release: { id: "6113728f27ae", ref: "refs/heads/main", commit: SHA },
        group: { autoScalingGroupName: "hello-prod", targetGroupArns: [TG] },
        strategy: config.apps.hello?.environments.prod?.strategy,
        gates: { alarms: [] },
        trigger: { source: "github", deliveryId: "72d3162e-cc78-11e3-81ab-4c9367dc0958", actor: "octocat", receivedAt: RECEIVED_AT },
      },
    });
  });

  it("deploys a branch whose name has a slash", () => {
    const decision = decidePush(push({ ref: "refs/heads/release/next" }), context);

    expect(decision).toMatchObject({ kind: "start", env: "staging", name: "hello-staging-6113728f27ae-72d3162e" });
  });

  it("matches the repository whatever its case", () => {
    expect(decidePush(push({ repository: { full_name: "Octo-Org/Hello" } }), context)).toMatchObject({ kind: "start" });
  });

  it("names the execution after the delivery's first eight letters and digits, so a redelivery names it alike", () => {
    const first = decidePush(push(), { ...context, delivery: "a-b-c-d-e-f-g-h-i-j" });
    const again = decidePush(push(), { ...context, delivery: "a-b-c-d-e-f-g-h-i-j", receivedAt: RECEIVED_AT + 60_000 });

    expect(first).toMatchObject({ name: "hello-prod-6113728f27ae-abcdefgh" });
    expect(again).toMatchObject({ name: "hello-prod-6113728f27ae-abcdefgh" });
  });

  it("takes the sender's login as the actor when the pusher has no name", () => {
    const decision = decidePush(push({ pusher: { name: null } }), context);

    expect(decision).toMatchObject({ input: { trigger: { actor: "octocat-bot" } } });
  });

  it("leaves the actor out when neither pusher nor sender names one", () => {
    const decision = decidePush(push({ pusher: null, sender: undefined }), context);

    expect(decision.kind === "start" && decision.input.trigger).toEqual({ source: "github", deliveryId: context.delivery, receivedAt: RECEIVED_AT });
  });

  it("accepts a SHA-256 commit id and lower-cases the release", () => {
    const decision = decidePush(push({ after: "ABCDEF0123456789".repeat(4) }), context);

    expect(decision).toMatchObject({ kind: "start", input: { release: { id: "abcdef012345" } } });
  });

  it("ignores a tag push", () => {
    expect(decidePush(push({ ref: "refs/tags/v1.0.0" }), context)).toEqual({
      kind: "ignored",
      reason: "refs/tags/v1.0.0 is a tag; gantry deploys pushes to branches.",
    });
  });

  it("ignores a ref that is neither branch nor tag", () => {
    expect(decidePush(push({ ref: "refs/notes/commits" }), context)).toEqual({
      kind: "ignored",
      reason: "refs/notes/commits is not a branch; gantry deploys pushes to branches.",
    });
  });

  it("ignores a deleted branch, by the deleted flag or by an all-zero head", () => {
    const flagged = decidePush(push({ deleted: true }), context);
    const zeroed = decidePush(push({ deleted: undefined, after: "0".repeat(40) }), context);

    expect(flagged).toEqual({ kind: "ignored", reason: "The push deleted branch main of octo-org/hello; there is nothing to deploy." });
    expect(zeroed).toEqual(flagged);
  });

  it("ignores an unconfigured branch, naming the branches that deploy", () => {
    expect(decidePush(push({ ref: "refs/heads/dev" }), context)).toEqual({
      kind: "ignored",
      reason: "Branch dev of octo-org/hello deploys no environment (configured: main → prod, release/next → staging).",
    });
  });

  it("ignores an unconfigured repository", () => {
    expect(decidePush(push({ repository: { full_name: "octo-org/other" } }), context)).toEqual({
      kind: "ignored",
      reason: "Repository octo-org/other is not in gantry's configuration; nothing deploys from it.",
    });
  });

  it("rejects a payload without the fields of a push, naming each", () => {
    const decision = decidePush({ zen: "Keep it logically awesome." }, context);

    expect(decision.kind).toBe("invalid");
    expect(decision.kind === "invalid" && decision.problem).toMatch(/ref: missing .*after: missing .*repository: missing/);
  });

  it("rejects a head that is not a commit sha", () => {
    expect(decidePush(push({ after: "HEAD" }), context)).toEqual({ kind: "invalid", problem: 'after: "HEAD" is not a commit sha.' });
  });

  it("rejects a push without a usable delivery id, since the execution is named after it", () => {
    for (const delivery of [undefined, "", "---"]) {
      expect(decidePush(push(), { ...context, delivery })).toMatchObject({ kind: "invalid", problem: expect.stringContaining("X-GitHub-Delivery") as string });
    }
  });
});
