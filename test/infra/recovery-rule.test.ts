import { describe, expect, it } from "vitest";
import { FUNCTIONS } from "../../functions/catalog.js";
import { loadConfigFile } from "../../functions/config/load.js";
import { readDefinition } from "../../infra/constructs/definition-file.js";
import { asList, policyStatements, synthGantry, type PolicyStatementJson } from "./synth.js";

const config = await loadConfigFile("gantry.config.ts");
const { template } = synthGantry({ config });
const resources = template.toJSON().Resources as Record<string, { Type: string; Properties: Record<string, unknown> }>;

/** Logical id of the Lambda function built from functions/<dir>. */
function functionId(dir: string): string {
  const [id] = Object.keys(template.findResources("AWS::Lambda::Function", { Properties: { Description: `gantry: ${dir}` } }));
  if (!id) throw new Error(`no function for ${dir}`);
  return id;
}

/** The statements of every policy attached to the role of functions/<dir>. */
function roleStatements(dir: string): PolicyStatementJson[] {
  const roleRef = (resources[functionId(dir)]?.Properties.Role as { "Fn::GetAtt": [string, string] })["Fn::GetAtt"][0];
  const policies = Object.entries(template.findResources("AWS::IAM::Policy"))
    .filter(([, policy]) => (policy as { Properties: { Roles: { Ref: string }[] } }).Properties.Roles.some((role) => role.Ref === roleRef))
    .map(([id]) => id);
  expect(policies.length).toBeGreaterThan(0);
  return policyStatements(template)
    .filter(({ policy }) => policies.includes(policy))
    .map(({ statement }) => statement);
}

/** Whether one statement allows `action` on exactly `resource` (among its resources). */
function allows(statements: PolicyStatementJson[], action: string, resource: unknown): boolean {
  return statements.some(
    (statement) => asList(statement.Action).includes(action) && asList(statement.Resource).some((each) => JSON.stringify(each) === JSON.stringify(resource)),
  );
}

const machines = Object.keys(template.findResources("AWS::StepFunctions::StateMachine"));
const deployMachineId = machines.find((id) => id.startsWith("DeployMachine")) as string;
const tableId = Object.keys(template.findResources("AWS::DynamoDB::Table"))[0] as string;
const tableArn = { "Fn::GetAtt": [tableId, "Arn"] };

type Rule = { Properties: { EventPattern: Record<string, unknown>; Targets: { Arn: unknown; Id: string; RetryPolicy?: Record<string, unknown> }[] } };
const recoveryRules = Object.entries(template.findResources("AWS::Events::Rule")).filter(([id]) => id.startsWith("StartRecoveryRule")) as [string, Rule][];

describe("GantryStack: the rule that starts a recovery when a deploy execution ends unfinished", () => {
  it("catalogues start-recovery as triggered by deploy-ended and recover-rollout as a Task of the deploy machine", () => {
    expect(FUNCTIONS.filter((entry) => entry.trigger === "deploy-ended").map((entry) => entry.dir)).toEqual(["start-recovery"]);
    expect(FUNCTIONS.find((entry) => entry.dir === "recover-rollout")).toMatchObject({ machine: "deploy", placeholder: "RecoverRolloutFunctionArn" });
    expect(deployMachineId).toBeDefined();
    expect(tableId).toBeDefined();
  });

  it("has one rule on the deploy machine's ABORTED, TIMED_OUT and FAILED status changes", () => {
    expect(recoveryRules).toHaveLength(1);
    const pattern = recoveryRules[0]?.[1].Properties.EventPattern as {
      source: unknown;
      "detail-type": unknown;
      detail: { status: unknown; stateMachineArn: unknown };
    };
    expect(pattern.source).toEqual(["aws.states"]);
    expect(pattern["detail-type"]).toEqual(["Step Functions Execution Status Change"]);
    expect(pattern.detail.status).toEqual(["ABORTED", "TIMED_OUT", "FAILED"]);
    // The deploy machine only: not the power machine's or any other execution.
    expect(pattern.detail.stateMachineArn).toEqual([{ Ref: deployMachineId }]);
    expect(Object.keys(pattern).sort()).toEqual(["detail", "detail-type", "source"]);
    expect(Object.keys(pattern.detail).sort()).toEqual(["stateMachineArn", "status"]);
  });

  it("targets the start-recovery function alone, with a retry policy", () => {
    const targets = recoveryRules[0]?.[1].Properties.Targets ?? [];
    expect(targets).toHaveLength(1);
    expect(targets[0]?.Arn).toEqual({ "Fn::GetAtt": [functionId("start-recovery"), "Arn"] });
    expect(targets[0]?.RetryPolicy).toBeDefined();
    expect(targets[0]?.RetryPolicy?.MaximumRetryAttempts).toBeGreaterThan(0);
    expect(targets[0]?.RetryPolicy?.MaximumEventAgeInSeconds).toBeGreaterThan(0);
  });

  it("lets EventBridge invoke start-recovery from that rule", () => {
    const [ruleId] = recoveryRules[0] ?? [];
    const permissions = Object.values(template.findResources("AWS::Lambda::Permission")) as { Properties: Record<string, unknown> }[];
    const fromRule = permissions.filter(
      (permission) =>
        permission.Properties.Principal === "events.amazonaws.com" &&
        JSON.stringify(permission.Properties.SourceArn) === JSON.stringify({ "Fn::GetAtt": [ruleId, "Arn"] }),
    );
    expect(fromRule).toHaveLength(1);
    expect(fromRule[0]?.Properties).toMatchObject({
      Action: "lambda:InvokeFunction",
      FunctionName: { "Fn::GetAtt": [functionId("start-recovery"), "Arn"] },
    });
  });

  it("lets start-recovery start the deploy machine and read the table, and tells it where both are", () => {
    const statements = roleStatements("start-recovery");
    expect(allows(statements, "states:StartExecution", { Ref: deployMachineId })).toBe(true);
    expect(allows(statements, "dynamodb:GetItem", tableArn)).toBe(true);
    // It starts only the deploy machine.
    const starts = statements.filter((statement) => asList(statement.Action).includes("states:StartExecution"));
    expect(starts.flatMap((statement) => asList(statement.Resource))).toEqual([{ Ref: deployMachineId }]);

    const variables = (resources[functionId("start-recovery")]?.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(variables.GANTRY_DEPLOY_STATE_MACHINE_ARN).toEqual({ Ref: deployMachineId });
    expect(variables.GANTRY_TABLE).toEqual({ Ref: tableId });
  });

  it("builds recover-rollout as a Task of the deploy machine, allowed to update the table", () => {
    const recoverRollout = functionId("recover-rollout");
    expect(resources[recoverRollout]?.Type).toBe("AWS::Lambda::Function");
    const deploy = resources[deployMachineId]?.Properties as { DefinitionSubstitutions: Record<string, unknown> };
    expect(deploy.DefinitionSubstitutions.RecoverRolloutFunctionArn).toEqual({ "Fn::GetAtt": [recoverRollout, "Arn"] });
    expect(readDefinition("deploy")).toContain("${RecoverRolloutFunctionArn}");

    expect(allows(roleStatements("recover-rollout"), "dynamodb:UpdateItem", tableArn)).toBe(true);
    const variables = (resources[recoverRollout]?.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(variables.GANTRY_TABLE).toEqual({ Ref: tableId });
  });
});
