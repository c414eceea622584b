import { sign } from "@octokit/webhooks-methods";
import { describe, expect, it } from "vitest";
import { readPayload } from "../../../../functions/core/webhook/webhook-payload.js";
import {
  MAX_WEBHOOK_BODY_BYTES,
  readWebhookRequest,
  signatureMatches,
  signatureToCheck,
  type WebhookRequest,
} from "../../../../functions/core/webhook/webhook-request.js";

const SECRET = "It's a Secret to Everybody";

describe("readWebhookRequest", () => {
  it("lower-cases header names and drops absent values", () => {
    const request = readWebhookRequest({ headers: { "X-GitHub-Event": "push", "x-missing": undefined }, body: "{}" });

    expect(request).toEqual({ method: "POST", headers: { "x-github-event": "push" }, body: "{}" });
  });

  it("decodes a base64 body to the text that was signed", () => {
    const text = '{"message":"héllo ✓"}';

    const request = readWebhookRequest({ body: Buffer.from(text).toString("base64"), isBase64Encoded: true, requestContext: { http: { method: "post" } } });

    expect(request).toMatchObject({ method: "POST", body: text });
  });

  it("rejects a base64 body that is not UTF-8", () => {
    const request = readWebhookRequest({ body: Buffer.from([0xc3, 0x28]).toString("base64"), isBase64Encoded: true });

    expect(request).toMatchObject({ body: "", bodyProblem: "not-utf8" });
  });

  it("measures the limit in bytes, not characters", () => {
    const request = readWebhookRequest({ body: "é".repeat(MAX_WEBHOOK_BODY_BYTES / 2 + 1) });

    expect(request.bodyProblem).toBe("too-large");
  });

  it("measures a base64 body by what it decodes to", () => {
    const decoded = Buffer.alloc(MAX_WEBHOOK_BODY_BYTES, "a");

    const request = readWebhookRequest({ body: decoded.toString("base64"), isBase64Encoded: true });

    expect(request.bodyProblem).toBeUndefined();
    expect(request.body).toHaveLength(MAX_WEBHOOK_BODY_BYTES);
  });

  it("reads a header named like an Object method as a plain header", () => {
    const headers = JSON.parse('{"constructor":"x","__proto__":"y"}') as Record<string, string>;

    const request = readWebhookRequest({ headers, body: "" });

    expect(request.headers.constructor).toBe("x");
    expect(request.headers["__proto__"]).toBe("y");
    expect(request.headers["x-github-event"]).toBeUndefined();
  });
});

describe("signatureToCheck", () => {
  const base: WebhookRequest = { method: "POST", headers: { "x-hub-signature-256": "sha256=abc" }, body: "{}" };

  it("gives the signature of a readable body", () => {
    expect(signatureToCheck(base)).toBe("sha256=abc");
  });

  it("gives none for a request refused anyway or an empty header, so no secret is read", () => {
    expect(signatureToCheck({ ...base, bodyProblem: "too-large" })).toBeUndefined();
    expect(signatureToCheck({ ...base, method: "GET" })).toBeUndefined();
    expect(signatureToCheck({ ...base, headers: { "x-hub-signature-256": "" } })).toBeUndefined();
  });
});

describe("signatureMatches", () => {
  it("accepts GitHub's signature of the exact body", async () => {
    expect(await signatureMatches(SECRET, "Hello, World!", await sign(SECRET, "Hello, World!"))).toBe(true);
  });

  it("rejects a signature of another body or under another secret", async () => {
    expect(await signatureMatches(SECRET, "Hello, World?", await sign(SECRET, "Hello, World!"))).toBe(false);
    expect(await signatureMatches(SECRET, "Hello, World!", await sign("other", "Hello, World!"))).toBe(false);
  });

  it("rejects empty arguments without throwing", async () => {
    expect(await signatureMatches("", "body", "sha256=00")).toBe(false);
    expect(await signatureMatches(SECRET, "", "sha256=00")).toBe(false);
    expect(await signatureMatches(SECRET, "body", "")).toBe(false);
  });
});

describe("readPayload", () => {
  const request = (contentType: string | undefined, body: string): WebhookRequest => ({
    method: "POST",
    headers: contentType ? { "content-type": contentType } : {},
    body,
  });

  it("reads a JSON body, with or without a charset", () => {
    expect(readPayload(request("application/json", '{"zen":"x"}'))).toEqual({ payload: { zen: "x" } });
    expect(readPayload(request("Application/JSON; charset=utf-8", '{"zen":"x"}'))).toEqual({ payload: { zen: "x" } });
  });

  it("reads the payload field of a form body", () => {
    const body = new URLSearchParams({ payload: '{"zen":"Speak like a human."}' }).toString();

    expect(readPayload(request("application/x-www-form-urlencoded", body))).toEqual({ payload: { zen: "Speak like a human." } });
  });

  it("rejects a form without a payload field, and one whose payload is not JSON", () => {
    expect(readPayload(request("application/x-www-form-urlencoded", "zen=x"))).toEqual({
      problem: 'The form body has no "payload" field; choose "application/json" as the content type in the webhook settings.',
      status: 400,
    });
    expect(readPayload(request("application/x-www-form-urlencoded", "payload=x"))).toMatchObject({
      problem: expect.stringMatching(/^The "payload" form field is not valid JSON/) as string,
      status: 400,
    });
  });

  it("rejects another or a missing content type as unsupported (415), saying which to choose", () => {
    expect(readPayload(request("text/plain", "{}"))).toEqual({
      problem: 'The Content-Type header is "text/plain"; choose "application/json" as the content type in the webhook settings.',
      status: 415,
    });
    expect(readPayload(request(undefined, "{}"))).toEqual({
      problem: 'The Content-Type header is missing; choose "application/json" as the content type in the webhook settings.',
      status: 415,
    });
  });

  it("rejects JSON that is not an object", () => {
    for (const body of ["null", "[]", '"push"', "42"]) {
      expect(readPayload(request("application/json", body))).toEqual({
        problem: "The body is JSON but not an object; GitHub sends an object for every event.",
        status: 400,
      });
    }
  });
});
