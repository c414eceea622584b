import { createHmac } from "node:crypto";
import { SFNClient, StartExecutionCommand } from "@aws-sdk/client-sfn";
import { GetParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { sign } from "@octokit/webhooks-methods";
import { mockClient } from "aws-sdk-client-mock";
import fc from "fast-check";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { provideRuntime, resetRuntime, runtimeFromEnvironment } from "../../../functions/aws/runtime.js";
import { MAX_WEBHOOK_BODY_BYTES } from "../../../functions/core/webhook/webhook-request.js";
import { SECRET, SECRET_PARAMETER, STATE_MACHINE_ARN, call, delivery, functionUrlEvent, pushToBranch, testConfig } from "./github.js";

const sfn = mockClient(SFNClient);
const ssm = mockClient(SSMClient);
const RUNS = 200;

beforeAll(() => {
  vi.stubEnv("GANTRY_WEBHOOK_SECRET_PARAMETER", SECRET_PARAMETER);
  vi.stubEnv("GANTRY_DEPLOY_STATE_MACHINE_ARN", STATE_MACHINE_ARN);
  ssm.on(GetParameterCommand).resolves({ Parameter: { Value: SECRET } });
  provideRuntime(runtimeFromEnvironment(process.env, { config: testConfig }));
});

beforeEach(() => {
  sfn.reset();
  sfn.on(StartExecutionCommand).resolves({ executionArn: `${STATE_MACHINE_ARN.replace(":stateMachine:", ":execution:")}:x`, startDate: new Date() });
});

afterAll(() => {
  vi.unstubAllEnvs();
  resetRuntime();
  sfn.reset();
  ssm.reset();
});

const hex = (length: number) => fc.string({ unit: fc.constantFrom(..."0123456789abcdef"), minLength: length, maxLength: length });

/** Mostly what GitHub sends, sometimes anything: `usual` weighs four to one against `unusual`. */
function mostly<T>(usual: fc.Arbitrary<T>, unusual: fc.Arbitrary<T>): fc.Arbitrary<T> {
  return fc.oneof({ weight: 4, arbitrary: usual }, { weight: 1, arbitrary: unusual });
}

/** GitHub's push example with the fields gantry decides on drawn at random, often deployable. */
const pushLike = fc
  .record({
    ref: mostly(
      fc.constantFrom("refs/heads/master", "refs/heads/staging"),
      fc.oneof(fc.constantFrom("refs/heads/feature", "refs/tags/v1", "master", ""), fc.string()),
    ),
    after: mostly(hex(40), fc.oneof(fc.constant("0".repeat(40)), hex(64), fc.string())),
    deleted: mostly(fc.constant(false), fc.constantFrom(true, null)),
    fullName: mostly(fc.constantFrom("Codertocat/Hello-World", "codertocat/hello-world"), fc.constant("Octocoders/Hello-World")),
  })
  .map(({ ref, after, deleted, fullName }) => {
    const push = pushToBranch();
    return { ...push, ref, after, deleted, repository: { ...push.repository, full_name: fullName } };
  });

/** Bodies from junk to real pushes, with a few at GitHub's size limit. */
const bodies = fc.oneof(
  { weight: 6, arbitrary: fc.string({ unit: "binary", maxLength: 200 }) },
  { weight: 6, arbitrary: fc.json() },
  { weight: 12, arbitrary: pushLike.map((push) => JSON.stringify(push)) },
  { weight: 1, arbitrary: fc.integer({ min: MAX_WEBHOOK_BODY_BYTES - 8, max: MAX_WEBHOOK_BODY_BYTES + 8 }).map((size) => `{"a":"${"x".repeat(size - 8)}"}`) },
);

/** How the request is signed: not at all, with junk, with the wrong key or body, or rightly. */
const signings = fc.oneof(
  { weight: 4, arbitrary: fc.constant("right") },
  { weight: 4, arbitrary: fc.constantFrom("none", "wrong secret", "other body", "uppercase hex", "looks right") },
  { weight: 1, arbitrary: fc.string({ maxLength: 80 }).map((text) => `raw:${text}`) },
);

const extraHeaders = fc.dictionary(fc.string({ maxLength: 24 }), fc.string({ maxLength: 80 }), { maxKeys: 4 });

/** Anything at all, leaning towards what GitHub sends so that the later checks are reached. */
const anyRequest = fc.record({
  body: bodies,
  signing: signings,
  encoding: mostly(fc.constantFrom("plain", "base64"), fc.constant("base64 garbage")),
  event: mostly(fc.constantFrom("push", "push", "ping"), fc.option(fc.oneof(fc.constant("issues"), fc.string({ maxLength: 20 })), { nil: undefined })),
  contentType: mostly(
    fc.constant("application/json"),
    fc.option(fc.oneof(fc.constantFrom("application/json; charset=utf-8", "application/x-www-form-urlencoded"), fc.string({ maxLength: 30 })), {
      nil: undefined,
    }),
  ),
  delivery: mostly(fc.uuid(), fc.option(fc.string({ maxLength: 40 }), { nil: undefined })),
  method: mostly(fc.constant("POST"), fc.constantFrom("GET", "PUT")),
  extraHeaders,
});

/** A genuine delivery of a push (which may or may not deploy), with stray headers. */
const genuinePush = fc.record({
  body: pushLike.map((push) => JSON.stringify(push)),
  signing: fc.constant("right"),
  encoding: fc.constantFrom("plain", "base64"),
  event: fc.constant<string | undefined>("push"),
  contentType: fc.constant<string | undefined>("application/json"),
  delivery: fc.uuid().map((id): string | undefined => id),
  method: fc.constant("POST"),
  extraHeaders,
});

const requests = fc.oneof({ weight: 3, arbitrary: anyRequest }, { weight: 1, arbitrary: genuinePush });

async function signatureFor(signing: string, body: string): Promise<string | undefined> {
  if (signing === "none") return undefined;
  if (signing === "right") return sign(SECRET, body || " ");
  if (signing === "wrong secret") return sign("not the secret", body || " ");
  if (signing === "other body") return sign(SECRET, `${body} `);
  if (signing === "uppercase hex") return (await sign(SECRET, body || " ")).toUpperCase();
  if (signing === "looks right") return `sha256=${"0".repeat(64)}`;
  return signing.slice(4);
}

/** The oracle, independent of the handler: is some X-Hub-Signature-256 the HMAC of these exact bytes? */
function signedExactly(headers: Record<string, string | undefined>, bytes: Buffer): boolean {
  const expected = `sha256=${createHmac("sha256", SECRET).update(bytes).digest("hex")}`;
  return Object.entries(headers).some(([name, value]) => name.toLowerCase() === "x-hub-signature-256" && value === expected);
}

describe("webhook handler, any request", () => {
  it("never answers 5xx and starts a deploy only for a body signed exactly", async () => {
    await fc.assert(
      fc.asyncProperty(requests, async (request) => {
        sfn.resetHistory();
        const headers: Record<string, string | undefined> = {
          "content-type": request.contentType,
          "x-github-event": request.event,
          "x-github-delivery": request.delivery,
          "x-hub-signature-256": await signatureFor(request.signing, request.body),
          ...request.extraHeaders,
        };
        const event = functionUrlEvent(request.body, headers, { base64: request.encoding === "base64", method: request.method });
        if (request.encoding === "base64 garbage") event.isBase64Encoded = true;
        const bytes = event.isBase64Encoded ? Buffer.from(event.body ?? "", "base64") : Buffer.from(event.body ?? "", "utf8");

        const answer = await call(event);

        expect(answer.status).toBeLessThan(500);
        expect([200, 202, 400, 401, 405, 413, 415]).toContain(answer.status);
        const starts = sfn.commandCalls(StartExecutionCommand).length;
        expect(starts).toBeLessThanOrEqual(1);
        if (starts === 1) expect(signedExactly(headers, bytes)).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });

  it("starts a deploy for a signed push exactly when it is a live, configured branch", async () => {
    await fc.assert(
      fc.asyncProperty(pushLike, fc.uuid(), async (push, deliveryId) => {
        sfn.resetHistory();
        const deploys =
          ["refs/heads/master", "refs/heads/staging"].includes(push.ref) &&
          push.repository.full_name.toLowerCase() === "codertocat/hello-world" &&
          push.deleted !== true &&
          /^([0-9a-f]{40}|[0-9a-f]{64})$/.test(push.after) &&
          !/^0+$/.test(push.after);

        const answer = await call(await delivery(push, { delivery: deliveryId }));

        expect(answer.status).toBeLessThan(500);
        expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(deploys ? 1 : 0);
        if (deploys) expect(answer.body).toMatchObject({ executionName: expect.stringContaining(push.after.slice(0, 12)) as string });
        else expect([202, 400]).toContain(answer.status);
      }),
      { numRuns: RUNS },
    );
  });

  it("rejects a signed push changed by one character with 401, starting nothing", async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.string({ minLength: 1, maxLength: 1 }), async (position, inserted) => {
        sfn.resetHistory();
        const event = await delivery(pushToBranch());
        const body = event.body ?? "";
        const at = position % (body.length + 1);
        event.body = `${body.slice(0, at)}${inserted}${body.slice(at)}`;

        const answer = await call(event);

        expect(answer.status).toBe(401);
        expect(sfn).not.toHaveReceivedCommand(StartExecutionCommand);
      }),
      { numRuns: RUNS },
    );
  });
});
