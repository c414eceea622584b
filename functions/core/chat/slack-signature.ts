import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * Slack's request signing (api.slack.com/authentication/verifying-requests-from-slack):
 * `X-Slack-Signature` is `v0=` and the hex HMAC-SHA256, under the app's signing secret, of
 * `v0:<X-Slack-Request-Timestamp>:<raw body>`; a timestamp more than five minutes from now is
 * refused, so a captured request cannot be replayed later.
 *
 * Written here rather than taken from Slack's SDK: the only published verifier is inside
 * @slack/bolt (`verifySlackRequest`), a framework whose entry point loads express, axios and
 * the Web API client, and @slack/events-api, which carried the other one, is deprecated. The
 * check itself is node:crypto's HMAC and constant-time comparison, a dozen lines.
 */
export const SLACK_SIGNATURE_VERSION = "v0";

/** Slack's replay window: requests signed more than five minutes away from now are refused. */
export const MAX_SIGNATURE_AGE_SECONDS = 5 * 60;

export type SignatureVerdict = "valid" | "stale" | "mismatch";

export interface SignedRequest {
  /** `X-Slack-Request-Timestamp`: epoch seconds, as text. */
  timestamp: string;
  /** `X-Slack-Signature`: `v0=<hex>`. */
  signature: string;
  /** The raw body exactly as received. */
  body: string;
}

/** The signature Slack would send for `body` at `timestamp` (epoch seconds): also what tests and curl sign with. */
export function slackSignature(secret: string, timestamp: string | number, body: string): string {
  const digest = createHmac("sha256", secret).update(`${SLACK_SIGNATURE_VERSION}:${timestamp}:${body}`).digest("hex");
  return `${SLACK_SIGNATURE_VERSION}=${digest}`;
}

/**
 * Checks one request at `now` (epoch ms): "stale" when the timestamp is not a whole number of
 * seconds within the window, "mismatch" when the signature is not the HMAC of this body under
 * `secret`, compared in constant time so the answer's timing tells nothing of the right value.
 */
export function verifySlackSignature(secret: string, request: SignedRequest, now: number): SignatureVerdict {
  if (!/^\d{1,12}$/.test(request.timestamp)) return "stale";
  if (Math.abs(now / 1000 - Number(request.timestamp)) > MAX_SIGNATURE_AGE_SECONDS) return "stale";
  const expected = Buffer.from(slackSignature(secret, request.timestamp, request.body));
  const given = Buffer.from(request.signature);
  // timingSafeEqual needs equal lengths; a length differing says nothing about the secret.
  if (!secret || given.length !== expected.length) return "mismatch";
  return timingSafeEqual(given, expected) ? "valid" : "mismatch";
}
