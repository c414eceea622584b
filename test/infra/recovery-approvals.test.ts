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

describe("GantryStack: approvals", () => {
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
