import { CloudFormationClient, CloudFormationServiceException, DescribeStacksCommand, type DescribeStacksCommandOutput } from "@aws-sdk/client-cloudformation";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import { createRuntime } from "../../../../functions/aws/runtime.js";
import { readGantryStack, stackOutput } from "../../../../functions/aws/executions/stack.js";
import { StackNotFoundError, StackOutputMissingError } from "../../../../functions/core/errors.js";

const cloudFormation = mockClient(CloudFormationClient);
afterEach(() => cloudFormation.reset());

const DEPLOY_MACHINE = "arn:aws:states:eu-west-1:123456789012:stateMachine:GantryDeploy1A2B3C";

/** A DescribeStacks answer as CloudFormation gives it, with gantry's outputs. */
function stackAnswer(
  outputs: Record<string, string>,
  status: "CREATE_COMPLETE" | "UPDATE_ROLLBACK_COMPLETE" = "CREATE_COMPLETE",
): Partial<DescribeStacksCommandOutput> {
  return {
    Stacks: [
      {
        StackName: "Gantry",
        StackId: "arn:aws:cloudformation:eu-west-1:123456789012:stack/Gantry/5f1c8c70-0000-11ef-8000-0a1b2c3d4e5f",
        StackStatus: status,
        CreationTime: new Date("2026-01-05T10:00:00Z"),
        Outputs: Object.entries(outputs).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue, Description: `the ${OutputKey}` })),
      },
    ],
  };
}

describe("readGantryStack", () => {
  it("reads the outputs under the keys infra/ and the CLI share, ignoring others", async () => {
    cloudFormation
      .on(DescribeStacksCommand, { StackName: "Gantry" })
      .resolves(stackAnswer({ DeployStateMachineArn: DEPLOY_MACHINE, TableName: "Gantry-Table-1X2Y", SomethingElse: "x" }));

    const stack = await readGantryStack(createRuntime({ settings: { region: "eu-west-1" } }).client(CloudFormationClient), "Gantry");

    expect(stack).toEqual({
      name: "Gantry",
      region: "eu-west-1",
      status: "CREATE_COMPLETE",
      outputs: { deployStateMachineArn: DEPLOY_MACHINE, tableName: "Gantry-Table-1X2Y" },
    });
    expect(stackOutput(stack, "deployStateMachineArn")).toBe(DEPLOY_MACHINE);
  });

  it("fails with StackNotFoundError saying where it looked and what to do when the stack does not exist", async () => {
    cloudFormation.on(DescribeStacksCommand).rejects(
      new CloudFormationServiceException({
        name: "ValidationError",
        $fault: "client",
        message: "Stack with id Gantry-dev does not exist",
        $metadata: { httpStatusCode: 400 },
      }),
    );

    const reading = readGantryStack(createRuntime({ settings: { region: "ap-southeast-2" } }).client(CloudFormationClient), "Gantry-dev");

    await expect(reading).rejects.toBeInstanceOf(StackNotFoundError);
    await expect(reading).rejects.toThrow(
      'No CloudFormation stack "Gantry-dev" in ap-southeast-2 for these credentials. Deploy gantry first (npx cdk deploy), or pass --stack <name> and --region <region>',
    );
  });

  it("passes other failures through, for the CLI to explain", async () => {
    cloudFormation.on(DescribeStacksCommand).rejects(
      new CloudFormationServiceException({
        name: "AccessDenied",
        $fault: "client",
        message: "User: arn:aws:iam::123456789012:user/ci is not authorized to perform: cloudformation:DescribeStacks",
        $metadata: { httpStatusCode: 403 },
      }),
    );

    await expect(readGantryStack(createRuntime({ settings: { region: "eu-west-1" } }).client(CloudFormationClient), "Gantry")).rejects.toMatchObject({
      name: "AccessDenied",
    });
  });
});

describe("stackOutput", () => {
  it("fails with StackOutputMissingError naming the output, the stack and its status", async () => {
    cloudFormation.on(DescribeStacksCommand).resolves(stackAnswer({ WebhookUrl: "https://abc.lambda-url.eu-west-1.on.aws/" }, "UPDATE_ROLLBACK_COMPLETE"));
    const stack = await readGantryStack(createRuntime({ settings: { region: "eu-west-1" } }).client(CloudFormationClient), "Gantry");

    expect(() => stackOutput(stack, "tableName")).toThrow(StackOutputMissingError);
    expect(() => stackOutput(stack, "tableName")).toThrow('Stack "Gantry" in eu-west-1 (UPDATE_ROLLBACK_COMPLETE) has no output TableName');
  });
});
