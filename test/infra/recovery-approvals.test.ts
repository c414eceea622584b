import { describe, expect, it } from "vitest";
import { loadConfigFile } from "../../functions/config/load.js";
import { policyStatements, synthGantry } from "./synth.js";

const config = await loadConfigFile("gantry.config.ts");
const { template } = synthGantry({ config });
const resources = template.toJSON().Resources as Record<string, { Type: string; Properties: Record<string, unknown> }>;

function functionId(dir: string): string {
  const [id] = Object.keys(template.findResources("AWS::Lambda::Function", { Properties: { Description: `gantry: ${dir}` } }));
  if (!id) throw new Error(`no function for ${dir}`);
  return id;
}

function statementsOf(dir: string): { Action: string | string[]; Resource: unknown; Sid?: string }[] {
  const roleRef = (resources[functionId(dir)]?.Properties.Role as { "Fn::GetAtt": [string, string] })["Fn::GetAtt"][0];
  const policies = Object.entries(template.findResources("AWS::IAM::Policy"))
    .filter(([, policy]) => (policy as { Properties: { Roles: { Ref: string }[] } }).Properties.Roles.some((role) => role.Ref === roleRef))
    .map(([id]) => id);
  return policyStatements(template)
    .filter(({ policy }) => policies.includes(policy))
    .map(({ statement }) => statement as { Action: string | string[]; Resource: unknown; Sid?: string });
}

const deployMachineId = Object.keys(template.findResources("AWS::StepFunctions::StateMachine")).find((id) => id.startsWith("DeployMachine")) as string;

describe("GantryStack: recovery and approvals", () => {
  it("routes the deploy machine's ABORTED, TIMED_OUT and FAILED executions to start-recovery, with retries", () => {
    const rules = Object.entries(template.findResources("AWS::Events::Rule")).filter(([id]) => id.startsWith("StartRecoveryRule"));
    expect(rules).toHaveLength(1);
    const rule = rules[0]?.[1] as { Properties: { EventPattern: Record<string, unknown>; Targets: { Arn: unknown; RetryPolicy?: unknown }[] } };
    expect(rule.Properties.EventPattern).toEqual({
      source: ["aws.states"],
      "detail-type": ["Step Functions Execution Status Change"],
      detail: { status: ["ABORTED", "TIMED_OUT", "FAILED"], stateMachineArn: [{ Ref: deployMachineId }] },
    });
    expect(rule.Properties.Targets).toHaveLength(1);
    expect(rule.Properties.Targets[0]).toMatchObject({
      Arn: { "Fn::GetAtt": [functionId("start-recovery"), "Arn"] },
      RetryPolicy: { MaximumRetryAttempts: 8 },
    });
    const permissions = Object.values(template.findResources("AWS::Lambda::Permission")) as { Properties: Record<string, unknown> }[];
    expect(
      permissions.some(
        (permission) =>
          permission.Properties.Principal === "events.amazonaws.com" &&
          JSON.stringify(permission.Properties.FunctionName).includes(functionId("start-recovery")) &&
          JSON.stringify(permission.Properties.SourceArn).includes(rules[0]?.[0] as string),
      ),
    ).toBe(true);
  });

  it("lets start-recovery start the deploy machine and read the table, and tells it where both are", () => {
    const statements = statementsOf("start-recovery");
    expect(statements).toEqual(expect.arrayContaining([expect.objectContaining({ Action: "states:StartExecution", Resource: { Ref: deployMachineId } })]));
    expect(statements.some((statement) => [statement.Action].flat().includes("dynamodb:GetItem"))).toBe(true);
    const variables = (resources[functionId("start-recovery")]?.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(Object.keys(variables)).toEqual(expect.arrayContaining(["GANTRY_DEPLOY_STATE_MACHINE_ARN", "GANTRY_TABLE"]));
  });

  it("lets await-approval publish to the alerts topic with its key, and nothing else there", () => {
    const statements = statementsOf("await-approval");
    const topicId = Object.keys(template.findResources("AWS::SNS::Topic"))[0] as string;
    const keyId = Object.keys(template.findResources("AWS::KMS::Key")).find((id) => id.startsWith("Alerts")) as string;
    expect(statements).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Sid: "PublishAlerts", Action: "sns:Publish", Resource: { Ref: topicId } }),
        expect.objectContaining({ Sid: "EncryptAlerts", Action: ["kms:GenerateDataKey", "kms:Decrypt"], Resource: { "Fn::GetAtt": [keyId, "Arn"] } }),
      ]),
    );
    const variables = (resources[functionId("await-approval")]?.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(variables.GANTRY_ALERTS_TOPIC_ARN).toEqual({ Ref: topicId });
  });

  it("substitutes the approval function into the callback Task and lets the machine invoke it", () => {
    const machine = resources[deployMachineId]?.Properties as { DefinitionSubstitutions: Record<string, unknown> };
    expect(machine.DefinitionSubstitutions.AwaitApprovalFunctionArn).toEqual({ "Fn::GetAtt": [functionId("await-approval"), "Arn"] });
    expect(machine.DefinitionSubstitutions.RecoverRolloutFunctionArn).toEqual({ "Fn::GetAtt": [functionId("recover-rollout"), "Arn"] });
  });
});
