import { CloudFormationClient, CreateStackCommand, DescribeStacksCommand } from "@aws-sdk/client-cloudformation";
import { App } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import { describe, expect, it } from "vitest";
import { FleetStack } from "../../infra/stacks/fleet-stack.js";
import { REGION } from "./moto-backend.js";

/**
 * The example fleet stack, as `npm run synth` writes it, given to moto's CloudFormation. moto
 * resolves the Default of every SSM-typed parameter (the public Amazon Linux 2023 AMI parameter,
 * the CDK bootstrap version) even when a value is given, and answers HTTP 500 (an AttributeError
 * in moto/cloudformation/parsing.py) when its SSM does not hold it; it also refuses, as AWS does,
 * a PutParameter under /aws/. AWS holds both parameters in every region. When a moto release
 * creates the stack, this check fails: then assert what it creates instead.
 * One attempt per call: the SDK would retry a 500.
 */
const cloudFormation = new CloudFormationClient({ region: REGION, maxAttempts: 1 });
const template = Template.fromStack(
  new FleetStack(new App(), "hello-prod-fleet", { fleet: { app: "hello", env: "prod", packages: ["nodejs"] }, env: { region: REGION } }),
).toJSON();

describe("the example fleet stack on moto's CloudFormation", () => {
  it("is refused with HTTP 500: moto resolves the public AMI parameter's Default, which its SSM lacks", async () => {
    const create = cloudFormation.send(
      new CreateStackCommand({
        StackName: "hello-prod-fleet",
        TemplateBody: JSON.stringify(template),
        Capabilities: ["CAPABILITY_IAM"],
        Parameters: [
          { ParameterKey: "ReleaseBucketName", ParameterValue: "gantry-releases-example" },
          { ParameterKey: "InitialRelease", ParameterValue: "3f2c1ab4d5e6" },
        ],
      }),
    );

    await expect(create).rejects.toMatchObject({ $metadata: { httpStatusCode: 500 } });
    await expect(cloudFormation.send(new DescribeStacksCommand({ StackName: "hello-prod-fleet" }))).rejects.toThrow(/does not exist/);
  });
});
