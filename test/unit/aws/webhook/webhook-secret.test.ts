import { AccessDeniedException, GetParameterCommand, InternalServerError, ParameterNotFound, SSMClient, ThrottlingException } from "@aws-sdk/client-ssm";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { resetRuntime } from "../../../../functions/aws/runtime.js";
import { webhookSecret } from "../../../../functions/aws/webhook/webhook-secret.js";
import { AwsThrottledError, AwsTransientError, WebhookNotConfiguredError, WebhookSecretUnavailableError } from "../../../../functions/core/errors.js";

const ssm = mockClient(SSMClient);
const PARAMETER = "/gantry/webhook-secret";
const SECRET = "It's a Secret to Everybody";

beforeEach(() => {
  vi.stubEnv("GANTRY_WEBHOOK_SECRET_PARAMETER", PARAMETER);
  vi.stubEnv("GANTRY_WEBHOOK_SECRET", "");
  resetRuntime();
});

afterEach(() => {
  vi.unstubAllEnvs();
  resetRuntime();
  ssm.reset();
});

describe("webhookSecret", () => {
  it("reads the SecureString parameter, decrypted", async () => {
    ssm.on(GetParameterCommand).resolves({ Parameter: { Name: PARAMETER, Type: "SecureString", Value: SECRET } });

    expect(await webhookSecret()).toBe(SECRET);
    expect(ssm).toHaveReceivedCommandWith(GetParameterCommand, { Name: PARAMETER, WithDecryption: true });
  });

  it("reads it once, however many requests ask at once or later", async () => {
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: SECRET } });

    const secrets = await Promise.all([webhookSecret(), webhookSecret(), webhookSecret()]);
    secrets.push(await webhookSecret());

    expect(secrets).toEqual([SECRET, SECRET, SECRET, SECRET]);
    expect(ssm).toHaveReceivedCommandTimes(GetParameterCommand, 1);
  });

  it("takes GANTRY_WEBHOOK_SECRET as it is, without SSM", async () => {
    vi.stubEnv("GANTRY_WEBHOOK_SECRET", "local secret");

    expect(await webhookSecret()).toBe("local secret");
    expect(ssm).not.toHaveReceivedCommand(GetParameterCommand);
  });

  it("fails with WebhookNotConfiguredError when neither setting is there", async () => {
    vi.stubEnv("GANTRY_WEBHOOK_SECRET_PARAMETER", "");

    await expect(webhookSecret()).rejects.toBeInstanceOf(WebhookNotConfiguredError);
  });

  it("fails with AwsTransientError when SSM is down, and reads again next time", async () => {
    ssm
      .on(GetParameterCommand)
      .rejectsOnce(new InternalServerError({ message: "Internal error", $metadata: { httpStatusCode: 500 } }))
      .resolves({ Parameter: { Value: SECRET } });

    await expect(webhookSecret()).rejects.toBeInstanceOf(AwsTransientError);
    expect(await webhookSecret()).toBe(SECRET);
    expect(ssm).toHaveReceivedCommandTimes(GetParameterCommand, 2);
  });

  it("fails with AwsThrottledError when SSM throttles", async () => {
    ssm.on(GetParameterCommand).rejects(new ThrottlingException({ message: "Rate exceeded", Message: "Rate exceeded", $metadata: { httpStatusCode: 400 } }));

    await expect(webhookSecret()).rejects.toBeInstanceOf(AwsThrottledError);
  });

  it("fails with WebhookSecretUnavailableError naming the parameter when it does not exist or may not be read", async () => {
    ssm
      .on(GetParameterCommand)
      .rejectsOnce(new ParameterNotFound({ message: "", $metadata: { httpStatusCode: 400 } }))
      .rejectsOnce(new AccessDeniedException({ message: "not authorized", Message: "not authorized", $metadata: { httpStatusCode: 400 } }));

    await expect(webhookSecret()).rejects.toThrow(new RegExp(`^Could not read the webhook secret from SSM parameter ${PARAMETER} \\(ParameterNotFound`));
    await expect(webhookSecret()).rejects.toBeInstanceOf(WebhookSecretUnavailableError);
  });

  it("fails with WebhookSecretUnavailableError when the parameter is empty", async () => {
    ssm.on(GetParameterCommand).resolves({ Parameter: { Name: PARAMETER } });

    await expect(webhookSecret()).rejects.toThrow(`SSM parameter ${PARAMETER} has no value; put the webhook's secret in it.`);
  });
});
