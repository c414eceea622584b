import { execFile } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { CloudFormationClient, CreateStackCommand } from "@aws-sdk/client-cloudformation";
import { CreateStateMachineCommand, DescribeExecutionCommand, SFNClient } from "@aws-sdk/client-sfn";
import { PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { beforeAll, describe, expect, it } from "vitest";
import { gantryTableName } from "../../functions/aws/dynamo-client.js";
import { DEFAULT_STACK_NAME, STACK_OUTPUTS } from "../../functions/core/config/stack-outputs.js";
import { provideRuntime, runtimeFromEnvironment } from "../../functions/aws/runtime.js";
import { loadDeployDefinition } from "../../local/scenario.js";
import { SECRET, call, delivery, pushToBranch, testConfig } from "../unit/webhook/github.js";
import { REGION, motoBackend, motoNetwork } from "./moto-backend.js";

const sfn = new SFNClient({ region: REGION });
const run = promisify(execFile);
const bin = join(import.meta.dirname, "../../bin/gantry.mjs");
/** Outside the repository, so the CLI finds no gantry.config.ts and reads only the stack. */
const cwd = mkdtempSync(join(tmpdir(), "gantry-cli-"));

/** The real `gantry` bin against moto: AWS_ENDPOINT_URL and the dummy credentials come from the environment. */
async function gantry(...args: string[]): Promise<unknown> {
  const { stdout } = await run(process.execPath, [bin, ...args, "--region", REGION, "--json"], { cwd, env: { ...process.env, NO_COLOR: "1" } });
  return JSON.parse(stdout.trim().split("\n").at(-1) ?? "null");
}

let stateMachineArn = "";

beforeAll(async () => {
  await motoNetwork();
  const machine = await sfn.send(
    new CreateStateMachineCommand({
      name: "gantry-deploy",
      definition: JSON.stringify(loadDeployDefinition()),
      roleArn: "arn:aws:iam::123456789012:role/gantry-deploy",
    }),
  );
  stateMachineArn = machine.stateMachineArn ?? "";
  await new SSMClient({ region: REGION }).send(
    new PutParameterCommand({ Name: "/gantry/webhook-secret", Type: "SecureString", Value: SECRET, Overwrite: true }),
  );
  // What the CLI reads of the stack: its outputs. A placeholder resource, because a template needs one.
  await new CloudFormationClient({ region: REGION }).send(
    new CreateStackCommand({
      StackName: DEFAULT_STACK_NAME,
      TemplateBody: JSON.stringify({
        Resources: { Placeholder: { Type: "AWS::CloudFormation::WaitConditionHandle" } },
        Outputs: {
          [STACK_OUTPUTS.deployStateMachineArn]: { Value: stateMachineArn },
          [STACK_OUTPUTS.tableName]: { Value: gantryTableName() },
        },
      }),
    }),
  );
  process.env.GANTRY_DEPLOY_STATE_MACHINE_ARN = stateMachineArn;
  process.env.GANTRY_WEBHOOK_SECRET_PARAMETER = "/gantry/webhook-secret";
  // The webhook Lambda's runtime as on AWS: from its environment, with the test configuration bundled.
  provideRuntime(runtimeFromEnvironment(process.env, { config: testConfig }));
});

describe("webhook and CLI on moto", () => {
  it("starts a deploy execution on Step Functions for a signed push, and answers a redelivery alreadyHandled", { timeout: 30_000 }, async () => {
    const push = pushToBranch();

    const first = await call(await delivery(push));
    // GitHub's redelivery keeps the delivery id and body; it arrives later, so the input's receivedAt differs.
    const again = await delivery(push);
    const redelivered = await call(again);
    const later = await call({ ...again, requestContext: { ...again.requestContext, timeEpoch: again.requestContext.timeEpoch + 60_000 } });

    expect(first.status).toBe(202);
    const executionArn = first.body.executionArn as string;
    expect(executionArn).toBe(`${stateMachineArn.replace(":stateMachine:", ":execution:")}:hello-prod-6113728f27ae-72d3162e`);
    const execution = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    expect(JSON.parse(execution.input ?? "{}")).toMatchObject({ app: "hello", env: "prod", release: { id: "6113728f27ae" }, trigger: { source: "github" } });
    // The same name and input while the execution is open: Step Functions returns the same execution.
    expect(redelivered).toMatchObject({ status: 202, body: { executionArn } });
    expect(later).toMatchObject({ status: 202, body: { alreadyHandled: true, executionArn } });
  });

  it("gantry status and history read the executions through the stack's outputs", { timeout: 60_000 }, async () => {
    const status = (await gantry("status", "--app", "hello", "--env", "prod")) as { name: string; release: string; status: string };
    const history = (await gantry("history", "--app", "hello", "--env", "prod")) as { name: string; release: string; trigger: string }[];

    expect(status).toMatchObject({ name: "hello-prod-6113728f27ae-72d3162e", release: "6113728f27ae" });
    // moto runs no state machine: its executions stay RUNNING.
    expect(status.status).toBe("RUNNING");
    expect(history).toEqual([expect.objectContaining({ name: "hello-prod-6113728f27ae-72d3162e", release: "6113728f27ae", trigger: "github by Codertocat" })]);
  });

  it("gantry releases reads the release history a deploy recorded in the stack's table", { timeout: 90_000 }, async () => {
    const fleet = await motoBackend.createFleet({ app: "confcli", instances: 1 });
    const deployed = await motoBackend.runDeploy(fleet, fleet.deployInput("v2"));
    expect(deployed.status).toBe("SUCCEEDED");

    const releases = (await gantry("releases", "confcli", "prod")) as { label: string; releaseId: string; status: string }[];

    expect(releases).toEqual([expect.objectContaining({ label: "v1", releaseId: "v2", status: "deployed" })]);
  });
});
