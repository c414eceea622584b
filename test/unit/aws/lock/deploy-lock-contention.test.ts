import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import { acquireLock, releaseLock } from "../../../../functions/aws/lock/deploy-lock.js";
import { ContendedWriteError } from "../../../../functions/core/errors.js";

const documents = mockClient(DynamoDBDocumentClient);

afterEach(() => {
  documents.reset();
});

const lost = () => new ConditionalCheckFailedException({ message: "The conditional request failed", $metadata: { httpStatusCode: 400 } });

describe("acquireLock under contention", () => {
  it("rejects with a retryable ContendedWriteError after losing 50 conditional writes in a row", async () => {
    documents.on(GetCommand).resolves({});
    documents.on(UpdateCommand).rejects(lost());

    const acquire = acquireLock({ app: "hello", env: "prod", holder: "hello-prod-a1", seq: 1, now: 0, leaseSeconds: 60 });

    await expect(acquire).rejects.toThrow(ContendedWriteError);
    await expect(acquire).rejects.toThrow("The deploy lock of hello/prod changed under hello-prod-a1's conditional writes 50 times in a row; retry the step.");
    await expect(acquire).rejects.toMatchObject({ transient: true });
    expect(documents).toHaveReceivedCommandTimes(UpdateCommand, 50);
  });

  it("rejects with DynamoDB's own error when a write fails for another reason, for the step wiring to classify", async () => {
    documents.on(GetCommand).resolves({});
    documents.on(UpdateCommand).rejects(Object.assign(new Error("Rate of requests exceeds the allowed throughput."), { name: "ThrottlingException" }));

    await expect(acquireLock({ app: "hello", env: "prod", holder: "hello-prod-a1", seq: 1, now: 0, leaseSeconds: 60 })).rejects.toThrow(
      expect.objectContaining({ name: "ThrottlingException" }),
    );
  });
});

describe("releaseLock", () => {
  it("rejects with DynamoDB's own error rather than reporting a failed release as not held", async () => {
    documents.on(UpdateCommand).rejects(Object.assign(new Error("Requested resource not found"), { name: "ResourceNotFoundException" }));

    await expect(releaseLock({ app: "hello", env: "prod", holder: "hello-prod-a1" })).rejects.toThrow("Requested resource not found");
  });
});
