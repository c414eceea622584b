import { StartExecutionCommand } from "@aws-sdk/client-sfn";
import { GetParameterCommand } from "@aws-sdk/client-ssm";
import { sign } from "@octokit/webhooks-methods";
import { describe, expect, it } from "vitest";
import { MAX_WEBHOOK_BODY_BYTES } from "../../../functions/core/webhook/webhook-request.js";
import { SECRET, call, delivery, functionUrlEvent, pushToBranch } from "./github.js";
import { webhookEnvironment } from "./environment.js";

const { sfn, ssm } = webhookEnvironment();

describe("webhook handler, unsigned or wrongly signed requests", () => {
  it("rejects a request without X-Hub-Signature-256 with 401, without reading the secret", async () => {
    const answer = await call(await delivery(pushToBranch(), { headers: { "x-hub-signature-256": undefined } }));

    expect(answer).toMatchObject({ status: 401, body: { error: expect.stringContaining("X-Hub-Signature-256 header is missing") as string } });
    expect(ssm).not.toHaveReceivedCommand(GetParameterCommand);
    expect(sfn).not.toHaveReceivedCommand(StartExecutionCommand);
  });

  it("rejects a request signed with another secret with 401", async () => {
    const answer = await call(await delivery(pushToBranch(), { secret: "not the secret" }));

    expect(answer).toMatchObject({ status: 401, body: { error: expect.stringContaining("does not match the body") as string } });
    expect(sfn).not.toHaveReceivedCommand(StartExecutionCommand);
  });

  it("rejects a body changed after signing with 401", async () => {
    const signed = await delivery(pushToBranch());
    const tampered = { ...signed, body: signed.body?.replace("refs/heads/master", "refs/heads/staging") };

    const answer = await call(tampered);

    expect(answer.status).toBe(401);
    expect(sfn).not.toHaveReceivedCommand(StartExecutionCommand);
  });

  it("rejects GitHub's older SHA-1 signature alone with 401", async () => {
    const answer = await call(
      await delivery(pushToBranch(), { headers: { "x-hub-signature-256": undefined, "x-hub-signature": "sha1=0123456789abcdef0123456789abcdef01234567" } }),
    );

    expect(answer.status).toBe(401);
  });
});

describe("webhook handler, malformed requests", () => {
  it("rejects a signed body that is not JSON with 400", async () => {
    const answer = await call(await delivery("{ this is not json"));

    expect(answer).toMatchObject({ status: 400, body: { error: expect.stringMatching(/^The body is not valid JSON/) as string } });
    expect(sfn).not.toHaveReceivedCommand(StartExecutionCommand);
  });

  it("rejects a signed body that is JSON but not an object with 400", async () => {
    const answer = await call(await delivery("[1,2,3]"));

    expect(answer).toMatchObject({ status: 400, body: { error: "The body is JSON but not an object; GitHub sends an object for every event." } });
  });

  it("rejects a content type other than JSON or a form with 415, saying which to choose", async () => {
    const answer = await call(await delivery(pushToBranch(), { contentType: "text/plain" }));

    expect(answer).toMatchObject({
      status: 415,
      body: { error: 'The Content-Type header is "text/plain"; choose "application/json" as the content type in the webhook settings.' },
    });
    expect(sfn).not.toHaveReceivedCommand(StartExecutionCommand);
  });

  it("rejects a form without a payload field with 400", async () => {
    const answer = await call(await delivery("ref=refs%2Fheads%2Fmaster", { contentType: "application/x-www-form-urlencoded" }));

    expect(answer).toMatchObject({ status: 400, body: { error: expect.stringContaining('no "payload" field') as string } });
  });

  it("rejects a signed request without X-GitHub-Event with 400", async () => {
    const answer = await call(await delivery(pushToBranch(), { headers: { "x-github-event": undefined } }));

    expect(answer).toMatchObject({ status: 400, body: { error: "The X-GitHub-Event header is missing; GitHub names the event in it." } });
    expect(sfn).not.toHaveReceivedCommand(StartExecutionCommand);
  });

  it("rejects a push without X-GitHub-Delivery with 400, since the execution is named after it", async () => {
    const answer = await call(await delivery(pushToBranch(), { headers: { "x-github-delivery": undefined } }));

    expect(answer).toMatchObject({ status: 400, body: { error: expect.stringContaining("X-GitHub-Delivery header is missing") as string } });
    expect(sfn).not.toHaveReceivedCommand(StartExecutionCommand);
  });

  it("rejects a signed push payload missing the repository with 400, naming the field", async () => {
    const push: Record<string, unknown> = { ...pushToBranch() };
    delete push.repository;

    const answer = await call(await delivery(push));

    expect(answer).toMatchObject({ status: 400, body: { error: expect.stringContaining("repository: missing") as string } });
  });

  it("rejects a body over GitHub's 25 MB limit with 413, without reading the secret", async () => {
    const huge = "x".repeat(MAX_WEBHOOK_BODY_BYTES + 1);
    const event = functionUrlEvent(huge, { "content-type": "application/json", "x-github-event": "push", "x-hub-signature-256": await sign(SECRET, huge) });

    const answer = await call(event);

    expect(answer).toMatchObject({ status: 413, body: { error: "The body is over 25 MB, GitHub's limit for webhook payloads." } });
    expect(ssm).not.toHaveReceivedCommand(GetParameterCommand);
  });

  it("lets a body of exactly 25 MB through to the payload checks", async () => {
    const body = "x".repeat(MAX_WEBHOOK_BODY_BYTES);
    const event = functionUrlEvent(body, { "content-type": "application/json", "x-github-event": "push", "x-hub-signature-256": await sign(SECRET, body) });

    const answer = await call(event);

    expect(answer.status).toBe(400);
  });

  it("rejects a base64 body that is not UTF-8 with 400", async () => {
    const event = functionUrlEvent("", { "content-type": "application/json", "x-github-event": "push", "x-hub-signature-256": "sha256=00" });
    event.body = Buffer.from([0x7b, 0xff, 0xfe, 0x7d]).toString("base64");
    event.isBase64Encoded = true;

    const answer = await call(event);

    expect(answer).toMatchObject({ status: 400, body: { error: "The body is not UTF-8 text; GitHub sends JSON." } });
  });

  it("rejects a GET with 405, without reading the secret", async () => {
    const answer = await call(functionUrlEvent("", { "x-hub-signature-256": await sign(SECRET, "{}") }, { method: "GET" }));

    expect(answer).toMatchObject({ status: 405, body: { error: "GitHub delivers webhooks with POST; this request used GET." } });
    expect(ssm).not.toHaveReceivedCommand(GetParameterCommand);
  });
});
