import { AutoScalingClient, DescribeScalingActivitiesCommand } from "@aws-sdk/client-auto-scaling";
import { EC2Client, EC2ServiceException, GetConsoleOutputCommand } from "@aws-sdk/client-ec2";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import { readFailureEvidence } from "../../../../functions/aws/rollout/failure-evidence.js";

const ec2 = mockClient(EC2Client);
const autoScaling = mockClient(AutoScalingClient);

afterEach(() => {
  ec2.reset();
  autoScaling.reset();
});

const SINCE = Date.parse("2025-03-04T09:00:00.000Z");
const base64 = (text: string) => Buffer.from(text, "utf8").toString("base64");

describe("readFailureEvidence", () => {
  it("reads the latest console output, decoded, and the failed activities since the batch began, newest first", async () => {
    ec2.on(GetConsoleOutputCommand).resolves({ InstanceId: "i-new001", Output: base64("boot\r\nhello-app: listen EADDRINUSE :8080\r\n") });
    autoScaling.on(DescribeScalingActivitiesCommand).resolves({
      Activities: [
        {
          ActivityId: "a3",
          AutoScalingGroupName: "hello-prod",
          Cause: "c",
          StartTime: new Date("2025-03-04T09:02:00Z"),
          StatusCode: "Failed",
          StatusMessage: "Launching EC2 instance failed.",
          Description: "Launching a new EC2 instance.  Status Reason: Launching EC2 instance failed.",
        },
        { ActivityId: "a2", AutoScalingGroupName: "hello-prod", Cause: "c", StartTime: new Date("2025-03-04T09:01:00Z"), StatusCode: "Successful" },
        {
          ActivityId: "a1",
          AutoScalingGroupName: "hello-prod",
          Cause: "c",
          StartTime: new Date("2025-03-04T08:50:00Z"),
          StatusCode: "Failed",
          StatusMessage: "old",
        },
      ],
    });

    const evidence = await readFailureEvidence("hello-prod", ["i-new001"], SINCE);

    expect(evidence).toEqual({
      console: [{ instanceId: "i-new001", tail: ["boot", "hello-app: listen EADDRINUSE :8080"] }],
      activities: [
        {
          at: "2025-03-04T09:02:00.000Z",
          status: "Failed",
          description: "Launching a new EC2 instance.  Status Reason: Launching EC2 instance failed.",
          message: "Launching EC2 instance failed.",
        },
      ],
    });
    expect(ec2).toHaveReceivedCommandWith(GetConsoleOutputCommand, { InstanceId: "i-new001", Latest: true });
    expect(autoScaling).toHaveReceivedCommandWith(DescribeScalingActivitiesCommand, { AutoScalingGroupName: "hello-prod", MaxRecords: 50 });
  });

  it("asks again without Latest where the instance type does not support it, and notes a console it may not read", async () => {
    const unsupported = new EC2ServiceException({ name: "UnsupportedOperation", $fault: "client", $metadata: {}, message: "Latest is not supported" });
    const denied = new EC2ServiceException({ name: "UnauthorizedOperation", $fault: "client", $metadata: {}, message: "no" });
    ec2.on(GetConsoleOutputCommand, { InstanceId: "i-new001", Latest: true }).rejects(unsupported);
    ec2.on(GetConsoleOutputCommand, { InstanceId: "i-new001" }).resolves({ InstanceId: "i-new001", Output: base64("old boot\n") });
    ec2.on(GetConsoleOutputCommand, { InstanceId: "i-new002" }).rejects(denied);
    autoScaling.on(DescribeScalingActivitiesCommand).resolves({ Activities: [] });

    const evidence = await readFailureEvidence("hello-prod", ["i-new001", "i-new002"], SINCE);

    expect(evidence.console).toEqual([
      { instanceId: "i-new001", tail: ["old boot"] },
      { instanceId: "i-new002", tail: [], unavailable: "UnauthorizedOperation" },
    ]);
  });
});
