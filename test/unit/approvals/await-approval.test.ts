import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { DynamoDBDocumentClient, PutCommand } from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { handler } from "../../../functions/await-approval/handler.js";
import { provideRuntime, resetRuntime, runtimeFromEnvironment } from "../../../functions/aws/runtime.js";
import { approvalCheckpoint } from "../../../functions/core/rollout/approvals.js";

const sns = mockClient(SNSClient);
const documents = mockClient(DynamoDBDocumentClient);
const TOPIC = "arn:aws:sns:eu-west-1:123456789012:Gantry-alerts";
const AT = Date.UTC(2026, 0, 6, 9, 0, 0);

beforeAll(() => {
  provideRuntime(runtimeFromEnvironment({ AWS_REGION: "eu-west-1", GANTRY_TABLE: "gantry", GANTRY_ALERTS_TOPIC_ARN: TOPIC, POWERTOOLS_LOG_LEVEL: "SILENT" }));
});
afterAll(() => resetRuntime());
afterEach(() => {
  sns.reset();
  documents.reset();
});

const state = {
  app: "hello",
  env: "prod",
  release: { id: "b7d2e4f01c68" },
  group: { autoScalingGroupName: "hello-prod", targetGroupArns: ["arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/hello/1"] },
  execution: { name: "hello-prod-b7d2e4f01c68-x", startedAt: "2026-01-06T08:50:00.000Z" },
  lock: { outcome: "acquired", holder: "hello-prod-b7d2e4f01c68-x", leaseSeconds: 87_300, waitSeconds: 0, label: "v7" },
  plan: { release: "b7d2e4f01c68", previousRelease: "a1f3c9e07b24", batchCount: 4, batchSizes: [1, 1, 1, 1], startedAt: AT - 600_000 },
  progress: {
    batch: 0,
    phase: "bake",
    ready: true,
    done: false,
    waitSeconds: 0,
    batchStartedAt: AT - 300_000,
    summary: "batch baked and gated",
    evidence: { checkedAt: AT, instances: 1 },
    approval: approvalCheckpoint(0, 4, "24h", AT),
  },
};

describe("await-approval on AWS", () => {
  it("keeps the task token under the execution, tells the alerts topic with the evidence and both commands, and returns at once", async () => {
    documents.on(PutCommand).resolves({});
    sns.on(PublishCommand).resolves({ MessageId: "m-1" });

    const result = (await handler({ state, taskToken: "token-1" }, {} as never)) as { waiting: boolean; announced: boolean };

    expect(result).toMatchObject({ waiting: true, announced: true });
    const put = documents.commandCalls(PutCommand)[0]?.args[0].input;
    expect(put?.Item).toMatchObject({
      pk: "hello#prod",
      sk: "approval#hello-prod-b7d2e4f01c68-x",
      taskToken: "token-1",
      checkpoint: { batch: 1, of: 4 },
      label: "v7",
    });
    const published = sns.commandCalls(PublishCommand)[0]?.args[0].input;
    expect(published?.TopicArn).toBe(TOPIC);
    expect(published?.Subject).toBe("gantry: hello/prod v7 (b7d2e4f01c68) waits for approval after batch 1 of 4");
    expect(published?.Message).toContain('Gate evidence: {"checkedAt":');
    expect(published?.Message).toContain("Approve: gantry approve hello-prod-b7d2e4f01c68-x");
    expect(published?.Message).toContain("Reject:  gantry reject hello-prod-b7d2e4f01c68-x");
  });

  it("refuses an event without a task token, naming it", async () => {
    await expect(handler({ state }, {} as never)).rejects.toThrow("the task token ($$.Task.Token) is missing");
    expect(documents.commandCalls(PutCommand)).toHaveLength(0);
  });
});
