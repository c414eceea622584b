import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { FUNCTIONS, type FunctionEntry } from "../../functions/catalog.js";
import { parseConfig } from "../../functions/core/config/config.js";
import { STACK_OUTPUTS } from "../../functions/core/config/stack-outputs.js";
import { DEFINITIONS_DIR } from "../../infra/constructs/definition-file.js";
import { asList, policyStatements, synthGantry } from "./synth.js";

/**
 * What the stack does once another branch adds a `power` machine and its functions to the
 * catalog: picked up with no change to infra/. A stand-in definition and catalog entries,
 * shaped as that branch describes them; a config with schedules and a VPC.
 */
const dir = mkdtempSync(join(tmpdir(), "gantry-power-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
copyFileSync(join(DEFINITIONS_DIR, "deploy.asl.json"), join(dir, "deploy.asl.json"));
writeFileSync(
  join(dir, "power.asl.json"),
  JSON.stringify({
    StartAt: "Switch targets",
    States: {
      "Switch targets": { Type: "Task", Resource: "${SwitchTargetsFunctionArn}", TimeoutSeconds: 120, Next: "Point DNS" },
      "Point DNS": { Type: "Task", Resource: "${PointDnsFunctionArn}", End: true },
    },
  }),
);
const powerFunctions: FunctionEntry[] = [
  { dir: "switch-targets", machine: "power", placeholder: "SwitchTargetsFunctionArn", needs: ["instance-power", "group-size", "group-read", "lock-table"] },
  { dir: "point-dns", machine: "power", placeholder: "PointDnsFunctionArn", needs: ["dns-records", "group-read"] },
];

const config = parseConfig({
  apps: {
    hello: {
      repository: "octo-org/hello",
      environments: {
        prod: {
          branch: "main",
          region: "eu-west-1",
          group: { autoScalingGroupName: "hello-prod", targetGroupArns: ["arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/h/1"] },
          gates: { http: { port: 8080 } },
        },
      },
    },
  },
  schedules: {
    "office-hours": {
      timezone: "Asia/Jerusalem",
      workWeek: "SUN-THU",
      on: "08:00",
      off: "18:00",
      targets: [
        { tag: "gantry:schedule=office-hours", dns: { hostedZoneId: "Z0123456789ABCDEFGHIJ", recordName: "jumpbox.dev.example.com" } },
        { autoScalingGroup: "hello-dev" },
      ],
    },
  },
  infrastructure: {
    vpc: { subnetIds: ["subnet-0abc1234"], securityGroupIds: ["sg-0abc1234"] },
    instanceRoleArns: ["arn:aws:iam::123456789012:role/hello-instance"],
  },
});
const { template, nag } = synthGantry({ config, functions: [...FUNCTIONS, ...powerFunctions], definitionsDir: dir });
const resources = template.toJSON().Resources as Record<string, { Type: string; Properties: Record<string, unknown> }>;
const idOf = (description: string) => Object.keys(template.findResources("AWS::Lambda::Function", { Properties: { Description: description } }))[0] as string;

describe("GantryStack with a power machine in the catalog", () => {
  it("builds the power machine from its file, substituted with the power functions only", () => {
    template.resourceCountIs("AWS::StepFunctions::StateMachine", 2);
    template.hasResourceProperties("AWS::StepFunctions::StateMachine", {
      StateMachineName: "Gantry-power",
      DefinitionSubstitutions: {
        SwitchTargetsFunctionArn: { "Fn::GetAtt": [idOf("gantry: switch-targets"), "Arn"] },
        PointDnsFunctionArn: { "Fn::GetAtt": [idOf("gantry: point-dns"), "Arn"] },
      },
    });
  });

  it("outputs the power machine's ARN under the key the CLI reads, and alerts on it too", () => {
    template.hasOutput(STACK_OUTPUTS.powerStateMachineArn, {});
    const rules = Object.entries(template.findResources("AWS::Events::Rule")) as [
      string,
      { Properties: { EventPattern: { detail: { stateMachineArn: unknown[] } } } },
    ][];
    const alerts = rules.find(([id]) => id.startsWith("Alerts"))?.[1];
    expect(alerts?.Properties.EventPattern.detail.stateMachineArn).toHaveLength(2);
  });

  it("sizes the Lambda after the longest Task state that waits for it", () => {
    expect(resources[idOf("gantry: switch-targets")]?.Properties.Timeout).toBe(120);
  });

  it("grants the power functions their capabilities, scoped to the schedule's tag, group and record", () => {
    const all = JSON.stringify(policyStatements(template).map(({ statement }) => statement));

    expect(all).toContain('"aws:ResourceTag/gantry:schedule":["office-hours"]');
    expect(all).toContain("autoScalingGroupName/hello-dev");
    expect(all).toContain('"route53:ChangeResourceRecordSetsNormalizedRecordNames":["jumpbox.dev.example.com"]');
    expect(all).toContain('"Resource":"arn:aws:iam::123456789012:role/hello-instance"');
  });

  it("runs the functions that probe instances in the configured subnets and security groups, and only those", () => {
    const inVpc = Object.values(resources).filter((resource) => resource.Type === "AWS::Lambda::Function" && resource.Properties.VpcConfig);

    expect(inVpc.map((resource) => resource.Properties.Description).sort()).toEqual([
      "gantry: check-after-bake",
      "gantry: check-new-instances",
      "gantry: deploy-in-place",
      "gantry: roll-back",
    ]);
    expect(inVpc[0]?.Properties.VpcConfig).toEqual({ SubnetIds: ["subnet-0abc1234"], SecurityGroupIds: ["sg-0abc1234"] });
  });

  it("lets the Scheduler role start both machines", () => {
    const start = policyStatements(template).filter(({ statement }) => statement.Sid === "StartGantryMachines");
    expect(asList(start[0]?.statement.Resource)).toHaveLength(2);
  });

  it("still passes cdk-nag's AwsSolutions pack", () => {
    expect(nag.violations.map((violation) => violation.ruleName)).toEqual([]);
  });
});
