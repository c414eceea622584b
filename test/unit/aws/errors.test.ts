import { AutoScalingServiceException, ResourceContentionFault, ScalingActivityInProgressFault } from "@aws-sdk/client-auto-scaling";
import { describe, expect, it } from "vitest";
import { classifyAwsError } from "../../../functions/aws/errors.js";
import { AwsThrottledError, AwsTransientError, GroupNotFoundError } from "../../../functions/core/errors.js";

function serviceError(name: string, httpStatusCode: number, message: string): AutoScalingServiceException {
  return new AutoScalingServiceException({
    name,
    $fault: httpStatusCode >= 500 ? "server" : "client",
    $metadata: { httpStatusCode, requestId: "7f0c6b5e-0000-4000-8000-000000000000" },
    message,
  });
}

describe("classifyAwsError", () => {
  it("turns Throttling into AwsThrottledError, a transient error that keeps its cause", () => {
    const throttled = serviceError("Throttling", 400, "Rate exceeded");

    const classified = classifyAwsError(throttled);

    expect(classified).toBeInstanceOf(AwsThrottledError);
    expect(classified).toMatchObject({
      name: "AwsThrottledError",
      transient: true,
      cause: throttled,
      message: "AWS throttled the call (Throttling: Rate exceeded); the step will be retried.",
    });
  });

  it("turns a ResourceContention fault into AwsThrottledError", () => {
    const contention = new ResourceContentionFault({
      message: "You already have a pending update to an Auto Scaling resource.",
      $metadata: { httpStatusCode: 500 },
    });

    expect(classifyAwsError(contention)).toBeInstanceOf(AwsThrottledError);
  });

  it("turns a scaling activity in progress into AwsThrottledError", () => {
    const busy = new ScalingActivityInProgressFault({ message: "Scaling activity is in progress.", $metadata: { httpStatusCode: 400 } });

    expect(classifyAwsError(busy)).toBeInstanceOf(AwsThrottledError);
  });

  it("turns a 5xx answer into AwsTransientError", () => {
    const unavailable = serviceError("Unavailable", 503, "Service is unavailable");

    const classified = classifyAwsError(unavailable);

    expect(classified).toBeInstanceOf(AwsTransientError);
    expect(classified).toMatchObject({ name: "AwsTransientError", transient: true, cause: unavailable });
  });

  it("turns a reset connection into AwsTransientError", () => {
    const reset = Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });

    expect(classifyAwsError(reset)).toBeInstanceOf(AwsTransientError);
  });

  it("passes a ValidationError through unchanged", () => {
    const invalid = serviceError("ValidationError", 400, "Desired capacity:30 must be between the specified min size:2 and max size:24");

    expect(classifyAwsError(invalid)).toBe(invalid);
  });

  it("passes gantry's own errors and non-errors through unchanged", () => {
    const missing = new GroupNotFoundError('Auto Scaling group "web" was not found in region eu-west-1.');

    expect(classifyAwsError(missing)).toBe(missing);
    expect(classifyAwsError("text")).toBe("text");
  });
});

describe("classifyAwsError, codes the SDK knows", () => {
  it("treats EC2's EC2ThrottledException as throttling", () => {
    const error = Object.assign(new Error("Request limit exceeded."), { name: "EC2ThrottledException", $fault: "client", $metadata: { httpStatusCode: 400 } });

    expect(classifyAwsError(error)).toBeInstanceOf(AwsThrottledError);
  });

  it("treats a 429 answer as throttling whatever its code", () => {
    const error = Object.assign(new Error("Slow down"), { name: "SomethingNew", $fault: "client", $metadata: { httpStatusCode: 429 } });

    expect(classifyAwsError(error)).toBeInstanceOf(AwsThrottledError);
  });

  it("passes an aborted call through unchanged: nobody wants it retried", () => {
    const aborted = Object.assign(new Error("The operation was aborted"), { name: "AbortError" });

    expect(classifyAwsError(aborted)).toBe(aborted);
  });
});

describe("classifyAwsError, DynamoDB", () => {
  it("treats DynamoDB's ProvisionedThroughputExceededException as throttling", () => {
    const error = Object.assign(new Error("Rate of requests exceeds the allowed throughput"), {
      name: "ProvisionedThroughputExceededException",
      $fault: "client",
    });

    expect(classifyAwsError(error)).toBeInstanceOf(AwsThrottledError);
  });
});
