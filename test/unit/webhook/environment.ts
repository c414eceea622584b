import { SFNClient, StartExecutionCommand } from "@aws-sdk/client-sfn";
import { GetParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, beforeEach, vi } from "vitest";
import { provideRuntime, resetRuntime, runtimeFromEnvironment } from "../../../functions/aws/runtime.js";
import { SECRET, SECRET_PARAMETER, STATE_MACHINE_ARN, testConfig } from "./github.js";

/**
 * The webhook Lambda's surroundings for a test file: its environment variables, the secret in
 * a mocked SSM, a mocked Step Functions (answering StartExecution unless told not to), the test
 * configuration, and everything put back after each test.
 */
export function webhookEnvironment(options: { answerStartExecution?: boolean } = {}) {
  const sfn = mockClient(SFNClient);
  const ssm = mockClient(SSMClient);
  beforeEach(() => {
    vi.stubEnv("GANTRY_WEBHOOK_SECRET_PARAMETER", SECRET_PARAMETER);
    vi.stubEnv("GANTRY_DEPLOY_STATE_MACHINE_ARN", STATE_MACHINE_ARN);
    ssm.on(GetParameterCommand).resolves({ Parameter: { Name: SECRET_PARAMETER, Type: "SecureString", Value: SECRET, Version: 1 } });
    if (options.answerStartExecution !== false) {
      sfn.on(StartExecutionCommand).resolves({ executionArn: "arn:aws:states:eu-west-1:123456789012:execution:gantry-deploy:x", startDate: new Date() });
    }
    freshContainer();
  });
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
    resetRuntime();
    sfn.reset();
    ssm.reset();
  });
  return { sfn, ssm };
}

/**
 * A container started with the environment as it is now and the test configuration: what a
 * test that changes a variable calls next, since a Lambda reads its environment once.
 */
export function freshContainer(): void {
  provideRuntime(runtimeFromEnvironment(process.env, { config: testConfig }));
}
