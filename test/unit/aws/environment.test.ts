import { describe, expect, it } from "vitest";
import { readEnvironment } from "../../../functions/aws/environment.js";
import { InvalidEnvironmentError } from "../../../functions/core/errors.js";

describe("readEnvironment", () => {
  it("reads what the stack sets, under the names the code uses", () => {
    const env = readEnvironment({
      AWS_REGION: "eu-west-1",
      GANTRY_TABLE: "Gantry-Table1A2B3C",
      GANTRY_DEPLOY_STATE_MACHINE_ARN: "arn:aws:states:eu-west-1:123456789012:stateMachine:Gantry-deploy",
      GANTRY_WEBHOOK_SECRET_PARAMETER: "/gantry/webhook-secret",
      POWERTOOLS_LOG_LEVEL: "debug",
    });

    expect(env).toEqual({
      region: "eu-west-1",
      tableName: "Gantry-Table1A2B3C",
      deployStateMachineArn: "arn:aws:states:eu-west-1:123456789012:stateMachine:Gantry-deploy",
      webhookSecretParameter: "/gantry/webhook-secret",
      logLevel: "DEBUG",
    });
  });

  it("defaults what a step Lambda may leave unset, and treats an empty variable as unset", () => {
    expect(readEnvironment({ GANTRY_TABLE: "", LOG_LEVEL: "warn" })).toEqual({ region: "us-east-1", tableName: "gantry", logLevel: "WARN" });
  });

  it("rejects a malformed state machine ARN, naming the variable and what to set", () => {
    expect(() => readEnvironment({ GANTRY_DEPLOY_STATE_MACHINE_ARN: "gantry-deploy" })).toThrow(InvalidEnvironmentError);
    expect(() => readEnvironment({ GANTRY_DEPLOY_STATE_MACHINE_ARN: "gantry-deploy" })).toThrow(
      'GANTRY_DEPLOY_STATE_MACHINE_ARN="gantry-deploy" is not a state machine ARN; set it to the deploy state machine\'s ARN',
    );
  });

  it("rejects an unknown log level and a region that is not one, each by name", () => {
    expect(() => readEnvironment({ POWERTOOLS_LOG_LEVEL: "verbose", AWS_REGION: "Ireland" })).toThrow(
      /AWS_REGION="Ireland" is not an AWS region.*POWERTOOLS_LOG_LEVEL="verbose" is not a log level/,
    );
  });
});
