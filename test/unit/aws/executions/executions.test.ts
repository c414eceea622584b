import { ExecutionAlreadyExists, InvalidName, SFNClient, SFNServiceException, StartExecutionCommand, StateMachineDoesNotExist } from "@aws-sdk/client-sfn";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it, vi } from "vitest";
import { startDeploy, type DeployStarter } from "../../../../functions/aws/executions/executions.js";
import { createRuntime, provideRuntime, resetRuntime } from "../../../../functions/aws/runtime.js";
import { AwsThrottledError, AwsTransientError, DeployStartRejectedError } from "../../../../functions/core/errors.js";
import type { DeployInputRaw } from "../../../../functions/core/config/input.js";

const sfn = mockClient(SFNClient);

const STATE_MACHINE = "arn:aws:states:eu-west-1:123456789012:stateMachine:gantry-deploy";
const NAME = "hello-prod-6113728f27ae-72d3162e";
const EXECUTION = `arn:aws:states:eu-west-1:123456789012:execution:gantry-deploy:${NAME}`;
const input: DeployInputRaw = {
  app: "hello",
  env: "prod",
  release: { id: "6113728f27ae", ref: "refs/heads/main" },
  group: { autoScalingGroupName: "hello-prod", targetGroupArns: ["arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/web/1"] },
  trigger: { source: "github", deliveryId: "72d3162e-cc78-11e3-81ab-4c9367dc0958", receivedAt: 1_741_078_800_000 },
};

afterEach(() => {
  sfn.reset();
  resetRuntime();
});

describe("startDeploy", () => {
  it("starts the named execution with the input as JSON", async () => {
    sfn.on(StartExecutionCommand).resolves({ executionArn: EXECUTION, startDate: new Date() });

    const started = await startDeploy({ stateMachineArn: STATE_MACHINE, name: NAME, input });

    expect(started).toEqual({ executionArn: EXECUTION, alreadyHandled: false });
    expect(sfn).toHaveReceivedCommandWith(StartExecutionCommand, { stateMachineArn: STATE_MACHINE, name: NAME, input: JSON.stringify(input) });
  });

  it("answers already handled, with the derived ARN, when the name is taken", async () => {
    sfn
      .on(StartExecutionCommand)
      .rejects(new ExecutionAlreadyExists({ message: `Execution Already Exists: '${EXECUTION}'`, $metadata: { httpStatusCode: 400 } }));

    const started = await startDeploy({ stateMachineArn: STATE_MACHINE, name: NAME, input });

    expect(started).toEqual({ executionArn: EXECUTION, alreadyHandled: true });
  });

  it("fails with AwsThrottledError when Step Functions throttles", async () => {
    sfn
      .on(StartExecutionCommand)
      .rejects(new SFNServiceException({ name: "ThrottlingException", $fault: "client", message: "Rate exceeded", $metadata: { httpStatusCode: 400 } }));

    await expect(startDeploy({ stateMachineArn: STATE_MACHINE, name: NAME, input })).rejects.toBeInstanceOf(AwsThrottledError);
  });

  it("fails with AwsTransientError when Step Functions is unavailable", async () => {
    sfn
      .on(StartExecutionCommand)
      .rejects(new SFNServiceException({ name: "ServiceUnavailable", $fault: "server", message: "Service Unavailable", $metadata: { httpStatusCode: 503 } }));

    await expect(startDeploy({ stateMachineArn: STATE_MACHINE, name: NAME, input })).rejects.toBeInstanceOf(AwsTransientError);
  });

  it("fails with DeployStartRejectedError naming the state machine when it does not exist", async () => {
    sfn.on(StartExecutionCommand).rejects(new StateMachineDoesNotExist({ message: "State Machine Does Not Exist", $metadata: { httpStatusCode: 400 } }));

    const failure = startDeploy({ stateMachineArn: STATE_MACHINE, name: NAME, input });

    await expect(failure).rejects.toBeInstanceOf(DeployStartRejectedError);
    await expect(failure).rejects.toThrow(`Step Functions did not start ${NAME} on ${STATE_MACHINE} (StateMachineDoesNotExist: State Machine Does Not Exist)`);
  });

  it("fails with DeployStartRejectedError on a name Step Functions refuses", async () => {
    sfn.on(StartExecutionCommand).rejects(new InvalidName({ message: "Invalid Name", $metadata: { httpStatusCode: 400 } }));

    await expect(startDeploy({ stateMachineArn: STATE_MACHINE, name: "bad name", input })).rejects.toBeInstanceOf(DeployStartRejectedError);
  });
});

describe("startDeploy, on a runtime with its own starter", () => {
  it("starts deploys through the runtime's starter instead of Step Functions", async () => {
    const local = vi.fn<DeployStarter>(async ({ name }) => ({ executionArn: `local:${name}`, alreadyHandled: false }));
    provideRuntime(createRuntime({ startDeploy: local }));

    const started = await startDeploy({ stateMachineArn: STATE_MACHINE, name: NAME, input });

    expect(started).toEqual({ executionArn: `local:${NAME}`, alreadyHandled: false });
    expect(local).toHaveBeenCalledWith({ stateMachineArn: STATE_MACHINE, name: NAME, input });
    expect(sfn).not.toHaveReceivedCommand(StartExecutionCommand);
  });

  it("goes back to Step Functions in a fresh container", async () => {
    sfn.on(StartExecutionCommand).resolves({ executionArn: EXECUTION, startDate: new Date() });
    provideRuntime(createRuntime({ startDeploy: async () => ({ executionArn: "local", alreadyHandled: false }) }));
    resetRuntime();

    await startDeploy({ stateMachineArn: STATE_MACHINE, name: NAME, input });

    expect(sfn).toHaveReceivedCommandTimes(StartExecutionCommand, 1);
  });
});
