import { describe, expect, it } from "vitest";
import { consoleUrlFor, executionArnFor } from "../../../../functions/core/executions/execution-links.js";

describe("executionArnFor", () => {
  it("turns the state machine ARN into the ARN of the named execution", () => {
    expect(executionArnFor("arn:aws:states:eu-west-1:123456789012:stateMachine:gantry-deploy", "hello-prod-6113728f27ae-72d3162e")).toBe(
      "arn:aws:states:eu-west-1:123456789012:execution:gantry-deploy:hello-prod-6113728f27ae-72d3162e",
    );
  });
});

describe("consoleUrlFor", () => {
  it("links to the execution in the region of its ARN", () => {
    const arn = "arn:aws:states:ap-southeast-2:123456789012:execution:gantry-deploy:hello-prod-6113728f27ae-72d3162e";

    expect(consoleUrlFor(arn)).toBe(`https://ap-southeast-2.console.aws.amazon.com/states/home?region=ap-southeast-2#/v2/executions/details/${arn}`);
  });
});
