import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import { recordRelease } from "../../../../functions/aws/releases/release-history.js";
import { ContendedWriteError } from "../../../../functions/core/errors.js";

const documents = mockClient(DynamoDBDocumentClient);

afterEach(() => {
  documents.reset();
});

describe("recordRelease under contention", () => {
  it("rejects with a retryable ContendedWriteError when every number it tries is taken by another deploy", async () => {
    // The counter always lags behind: each number tried is already held by someone else.
    let counter = 0;
    documents.on(GetCommand, { Key: { pk: "hello#prod", sk: "release-counter" } }).callsFake(() => ({ Item: { last: counter } }));
    documents
      .on(GetCommand)
      .callsFake((input: { Key: { sk: string } }) =>
        input.Key.sk.startsWith("release#") ? { Item: { ...input.Key, number: counter + 1, execution: `hello-prod-other${counter}` } } : {},
      );
    documents.on(PutCommand, { Item: { sk: "execution#hello-prod-3f2c1ab" } }).resolves({});
    documents.on(PutCommand).callsFake(() => {
      counter += 1;
      throw new ConditionalCheckFailedException({ message: "The conditional request failed", $metadata: {} });
    });
    documents.on(UpdateCommand).resolves({});

    const record = recordRelease({
      app: "hello",
      env: "prod",
      releaseId: "3f2c1ab",
      trigger: { source: "github" },
      execution: "hello-prod-3f2c1ab",
      startedAt: "2025-03-04T09:00:00.000Z",
    });

    await expect(record).rejects.toThrow(ContendedWriteError);
    await expect(record).rejects.toThrow("Numbering a release of hello/prod for hello-prod-3f2c1ab lost to other deploys 50 times in a row; retry the step.");
  });
});
