import { SFNServiceException, StartExecutionCommand, StateMachineDoesNotExist } from "@aws-sdk/client-sfn";
import { AccessDeniedException, GetParameterCommand, InternalServerError } from "@aws-sdk/client-ssm";
import { describe, expect, it, vi } from "vitest";
import { SECRET, SECRET_PARAMETER, call, delivery, ping, pushOfTag, pushToBranch } from "./github.js";
import { freshContainer, webhookEnvironment } from "./environment.js";

const { sfn, ssm } = webhookEnvironment();

function ssmDown(): InternalServerError {
  return new InternalServerError({ message: "An internal error occurred", $metadata: { httpStatusCode: 500 } });
}

describe("webhook handler, the secret", () => {
  it("reads the secret from SSM once, decrypted, across several deliveries", async () => {
    await call(await delivery(ping(), { event: "ping" }));
    await call(await delivery(pushOfTag()));
    const third = await call(await delivery(pushToBranch()));

    expect(third.status).toBe(202);
    expect(ssm).toHaveReceivedCommandTimes(GetParameterCommand, 1);
    expect(ssm).toHaveReceivedCommandWith(GetParameterCommand, { Name: SECRET_PARAMETER, WithDecryption: true });
  });

  it("takes the secret from GANTRY_WEBHOOK_SECRET without calling SSM", async () => {
    vi.stubEnv("GANTRY_WEBHOOK_SECRET", "local secret");
    freshContainer();

    const answer = await call(await delivery(ping(), { event: "ping", secret: "local secret" }));

    expect(answer.status).toBe(200);
    expect(ssm).not.toHaveReceivedCommand(GetParameterCommand);
  });

  it("fails with 503 and a hint to redeliver when SSM is unavailable, starting nothing", async () => {
    ssm.on(GetParameterCommand).rejects(ssmDown());

    const answer = await call(await delivery(pushToBranch()));

    expect(answer.status).toBe(503);
    expect(answer.headers["retry-after"]).toBe("60");
    expect(answer.body).toMatchObject({ retryable: true, error: expect.stringContaining("redeliver this one from the webhook's Recent Deliveries") as string });
    expect(sfn).not.toHaveReceivedCommand(StartExecutionCommand);
  });

  it("reads the secret again on the next delivery after SSM failed", async () => {
    ssm
      .on(GetParameterCommand)
      .rejectsOnce(ssmDown())
      .resolves({ Parameter: { Value: SECRET } });

    const failed = await call(await delivery(pushToBranch()));
    const retried = await call(await delivery(pushToBranch()));

    expect([failed.status, retried.status]).toEqual([503, 202]);
    expect(sfn).toHaveReceivedCommandTimes(StartExecutionCommand, 1);
  });

  it("fails with 500 when the webhook may not read the parameter", async () => {
    ssm.on(GetParameterCommand).rejects(
      new AccessDeniedException({
        message: "User is not authorized to perform ssm:GetParameter",
        Message: "User is not authorized to perform ssm:GetParameter",
        $metadata: { httpStatusCode: 400 },
      }),
    );

    const answer = await call(await delivery(pushToBranch()));

    expect(answer).toMatchObject({ status: 500, body: { retryable: false, error: expect.stringContaining("WebhookSecretUnavailableError") as string } });
    expect(sfn).not.toHaveReceivedCommand(StartExecutionCommand);
  });

  it("fails with 500 when no secret is configured at all", async () => {
    vi.stubEnv("GANTRY_WEBHOOK_SECRET_PARAMETER", "");
    freshContainer();

    const answer = await call(await delivery(pushToBranch()));

    expect(answer).toMatchObject({ status: 500, body: { error: expect.stringContaining("WebhookNotConfiguredError") as string } });
  });
});

describe("webhook handler, starting the deploy", () => {
  it("fails with 503 when Step Functions is unavailable", async () => {
    sfn
      .on(StartExecutionCommand)
      .rejects(new SFNServiceException({ name: "ServiceUnavailable", $fault: "server", message: "Service Unavailable", $metadata: { httpStatusCode: 503 } }));

    const answer = await call(await delivery(pushToBranch()));

    expect(answer).toMatchObject({ status: 503, body: { retryable: true } });
  });

  it("fails with 500 when the state machine does not exist", async () => {
    sfn.on(StartExecutionCommand).rejects(new StateMachineDoesNotExist({ message: "State Machine Does Not Exist", $metadata: { httpStatusCode: 400 } }));

    const answer = await call(await delivery(pushToBranch()));

    expect(answer).toMatchObject({ status: 500, body: { retryable: false, error: expect.stringContaining("DeployStartRejectedError") as string } });
  });

  it("fails with 500 when no state machine is configured, starting nothing", async () => {
    vi.stubEnv("GANTRY_DEPLOY_STATE_MACHINE_ARN", "");
    freshContainer();

    const answer = await call(await delivery(pushToBranch()));

    expect(answer.status).toBe(500);
    expect(sfn).not.toHaveReceivedCommand(StartExecutionCommand);
  });
});

/**
 * The JSON lines the webhook's logger writes from now on (Powertools writes to stdout through a
 * console of its own), in a container whose level lets INFO through.
 */
function logLines(): string[] {
  vi.stubEnv("POWERTOOLS_LOG_LEVEL", "INFO");
  freshContainer();
  const lines: string[] = [];
  vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    lines.push(
      ...String(chunk)
        .split("\n")
        .filter((text) => text.startsWith("{")),
    );
    return true;
  });
  return lines;
}

describe("webhook handler, logging", () => {
  it("logs one line per request, never the secret, the signature or the body", async () => {
    const output = logLines();
    const push = await delivery(pushToBranch());
    const forged = await delivery(pushToBranch(), { secret: "guess" });
    sfn.on(StartExecutionCommand).rejects(new StateMachineDoesNotExist({ message: "State Machine Does Not Exist", $metadata: { httpStatusCode: 400 } }));

    await call(push);
    await call(forged);
    await call(await delivery(ping(), { event: "ping" }));

    expect(output).toHaveLength(3);
    for (const secretish of [SECRET, push.headers["x-hub-signature-256"], forged.headers["x-hub-signature-256"], push.body, '"commits"']) {
      expect(output.join("\n")).not.toContain(secretish);
    }
    expect(JSON.parse(output[0] ?? "")).toMatchObject({
      level: "INFO",
      message: "webhook",
      service: "gantry",
      function: "webhook",
      event: "push",
      delivery: "72d3162e-cc78-11e3-81ab-4c9367dc0958",
      repository: "Codertocat/Hello-World",
      ref: "refs/heads/master",
      decision: "failed",
      execution: "hello-prod-6113728f27ae-72d3162e",
      error: expect.stringContaining("StateMachineDoesNotExist") as string,
    });
    expect(JSON.parse(output[1] ?? "")).toMatchObject({
      function: "webhook",
      event: "push",
      delivery: "72d3162e-cc78-11e3-81ab-4c9367dc0958",
      decision: "rejected: bad signature",
    });
    expect(JSON.parse(output[1] ?? "")).not.toHaveProperty("execution");
  });

  it("logs the event and delivery of a request that failed before it was decided", async () => {
    const output = logLines();
    ssm.on(GetParameterCommand).rejects(ssmDown());

    await call(await delivery(pushToBranch()));

    expect(output).toHaveLength(1);
    const { level, message, service, function: name, event, delivery: id, decision, error } = JSON.parse(output[0] ?? "") as Record<string, unknown>;
    expect({ level, message, service, function: name, event, delivery: id, decision, error }).toEqual({
      level: "INFO",
      message: "webhook",
      service: "gantry",
      function: "webhook",
      event: "push",
      delivery: "72d3162e-cc78-11e3-81ab-4c9367dc0958",
      decision: "failed",
      error: "AwsTransientError: SSM failed reading the webhook secret from /gantry/webhook-secret (InternalServerError: An internal error occurred).",
    });
  });
});
