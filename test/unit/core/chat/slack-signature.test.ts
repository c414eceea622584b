import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { slackSignature, verifySlackSignature } from "../../../../functions/core/chat/slack-signature.js";

const secret = "8f742231b10e8888abcd99yyyzzz85a5";
const body = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&command=%2Fgantry&text=status+hello+prod";
const at = 1_531_420_618;
const now = at * 1000;
/** Computed apart from the code under test. */
const expected = `v0=${createHmac("sha256", secret).update(`v0:${at}:${body}`).digest("hex")}`;

describe("verifySlackSignature", () => {
  it("accepts Slack's v0 HMAC of v0:timestamp:body, and slackSignature makes the same one", () => {
    expect(slackSignature(secret, at, body)).toBe(expected);
    expect(verifySlackSignature(secret, { timestamp: String(at), signature: expected, body }, now)).toBe("valid");
  });

  it("accepts a timestamp up to 5 minutes either side and refuses one further", () => {
    const sign = (timestamp: number) => ({ timestamp: String(timestamp), signature: slackSignature(secret, timestamp, body), body });

    expect(verifySlackSignature(secret, sign(at - 300), now)).toBe("valid");
    expect(verifySlackSignature(secret, sign(at + 300), now)).toBe("valid");
    expect(verifySlackSignature(secret, sign(at - 301), now)).toBe("stale");
    expect(verifySlackSignature(secret, sign(at + 301), now)).toBe("stale");
  });

  it("rejects a timestamp that is not whole seconds as stale, before any HMAC", () => {
    expect(verifySlackSignature(secret, { timestamp: "1531420618.5", signature: expected, body }, now)).toBe("stale");
    expect(verifySlackSignature(secret, { timestamp: "", signature: expected, body }, now)).toBe("stale");
  });

  it("rejects another body, another secret, a truncated, an upper-cased or a v1 signature", () => {
    const check = (signature: string, text = body, key = secret) => verifySlackSignature(key, { timestamp: String(at), signature, body: text }, now);

    expect(check(expected, `${body}&x=1`)).toBe("mismatch");
    expect(check(expected, body, "another secret")).toBe("mismatch");
    expect(check(expected.slice(0, -2))).toBe("mismatch");
    expect(check(`v0=${expected.slice(3).toUpperCase()}`)).toBe("mismatch");
    expect(check(expected.replace(/^v0/, "v1"))).toBe("mismatch");
    expect(check(expected, body, "")).toBe("mismatch");
  });
});
