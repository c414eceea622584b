import { resolve } from "node:path";
import { build } from "esbuild";
import { beforeAll, describe, expect, it } from "vitest";
import { FUNCTIONS, type Capability, type FunctionEntry } from "../../functions/catalog.js";
import { parseConfig } from "../../functions/core/config/config.js";
import { VPC_NETWORK_INTERFACE_ACTIONS, accessScope, statementsFor } from "../../infra/constructs/capability-statements.js";

/** The IAM service prefix of each SDK package a function may import. */
const SERVICE_OF_PACKAGE: Record<string, string> = {
  "@aws-sdk/client-auto-scaling": "autoscaling",
  "@aws-sdk/client-cloudformation": "cloudformation",
  "@aws-sdk/client-cloudwatch": "cloudwatch",
  "@aws-sdk/client-dynamodb": "dynamodb",
  "@aws-sdk/client-ec2": "ec2",
  "@aws-sdk/client-elastic-load-balancing-v2": "elasticloadbalancing",
  "@aws-sdk/client-lambda": "lambda",
  "@aws-sdk/client-route-53": "route53",
  "@aws-sdk/client-s3": "s3",
  "@aws-sdk/client-service-quotas": "servicequotas",
  "@aws-sdk/client-sfn": "states",
  "@aws-sdk/client-sns": "sns",
  "@aws-sdk/client-ssm": "ssm",
  "@aws-sdk/lib-dynamodb": "dynamodb",
};

/** lib-dynamodb's document commands, by the DynamoDB action each one sends. */
const DOCUMENT_COMMANDS: Record<string, string> = {
  GetCommand: "GetItem",
  PutCommand: "PutItem",
  UpdateCommand: "UpdateItem",
  DeleteCommand: "DeleteItem",
  QueryCommand: "Query",
  ScanCommand: "Scan",
  BatchGetCommand: "BatchGetItem",
  BatchWriteCommand: "BatchWriteItem",
  TransactGetCommand: "TransactGetItems",
  TransactWriteCommand: "TransactWriteItems",
};

/** Commands whose IAM action is named otherwise: Lambda's Invoke API is authorized as lambda:InvokeFunction (Lambda Developer Guide, "Actions, resources, and condition keys"). */
const ACTION_OF_COMMAND: Record<string, string> = { "lambda:Invoke": "lambda:InvokeFunction" };

/**
 * Actions AWS checks on the caller beyond the one it calls ("dependent actions"), each with where
 * it is documented:
 * - UpdateAutoScalingGroup naming a launch template: the caller must be able to launch from it
 *   (EC2 Auto Scaling User Guide, "Control Amazon EC2 launch template usage in Auto Scaling groups").
 * - StartInstances of an instance whose EBS volumes use a customer-managed key: EC2 creates a
 *   grant on the key as the caller (EBS User Guide, "How Amazon EBS uses AWS KMS").
 * - Publish to a topic encrypted with a customer-managed key: SNS uses the key as the caller
 *   (SNS Developer Guide, "Encryption at rest": the publisher needs kms:GenerateDataKey and kms:Decrypt).
 * - A function that reaches instances by HTTP runs in the VPC, where Lambda checks these
 *   network-interface actions on its role (Lambda Developer Guide, "Giving Lambda functions access
 *   to resources in an Amazon VPC").
 */
/**
 * S3 commands whose IAM action has another name: HeadObject is authorized by s3:GetObject, and
 * answers 404 for a missing key only to a caller with s3:ListBucket (S3 API Reference, HeadObject).
 */
const S3_ACTIONS: Record<string, string[]> = { HeadObject: ["GetObject", "ListBucket"] };
const LAUNCH_RIGHTS = ["ec2:RunInstances", "ec2:CreateTags", "iam:PassRole"];
const ENCRYPTED_START = ["kms:CreateGrant"];
const ENCRYPTED_PUBLISH = ["kms:GenerateDataKey", "kms:Decrypt"];

/** A configuration that turns every capability's statements on: alarms, tags, groups, DNS, VPC, KMS keys. */
const config = parseConfig({
  apps: {
    web: {
      repository: "o/web",
      environments: {
        prod: {
          branch: "main",
          region: "eu-west-1",
          group: { autoScalingGroupName: "web-prod", targetGroupArns: ["arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/web/1"] },
          gates: { alarms: ["web-5xx"], http: { port: 8080, healthPath: "/health" } },
        },
      },
      github: { deployments: true },
    },
  },
  schedules: {
    "office-hours": {
      timezone: "Europe/Paris",
      on: "08:00",
      off: "18:00",
      targets: [
        { tag: "gantry:schedule=office-hours", dns: { hostedZoneId: "Z0123456789ABCDEFGHIJ", recordName: "jumpbox.example.com" } },
        { autoScalingGroup: "web-dev" },
      ],
    },
  },
  infrastructure: {
    vpc: { subnetIds: ["subnet-0abc"], securityGroupIds: ["sg-0abc"] },
    ebsKmsKeyArns: ["arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"],
  },
});
const scope = accessScope(config, { partition: "aws", region: "eu-west-1", account: "123456789012" });
const resources = {
  tableArn: "arn:aws:dynamodb:eu-west-1:123456789012:table/gantry",
  deployStateMachineArn: "arn:aws:states:eu-west-1:123456789012:stateMachine:Gantry-deploy",
  webhookSecretParameterArn: "arn:aws:ssm:eu-west-1:123456789012:parameter/gantry/webhook-secret",
  deployExecutionsArn: "arn:aws:states:eu-west-1:123456789012:execution:Gantry-deploy:*",
  slackSigningSecretParameterArn: "arn:aws:ssm:eu-west-1:123456789012:parameter/gantry/slack-signing-secret",
  functionArn: "arn:aws:lambda:eu-west-1:123456789012:function:Gantry-Chat",
  releaseBucketArn: "arn:aws:s3:::gantry-releases",
  alertsTopicArn: "arn:aws:sns:eu-west-1:123456789012:Gantry-alerts",
  alertsKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/0000aaaa-bbbb-cccc-dddd-eeeeffff0000",
};

/** The actions one capability's statements allow. */
function granted(capability: Capability): Set<string> {
  return new Set(statementsFor(capability, scope, resources).flatMap((grant) => grant.statement.actions));
}

/**
 * The IAM actions a bundle's code can call: every SDK command it constructs or paginates, by the
 * local name its import gave it, plus the actions AWS checks along with some of them.
 */
function calledActions(bundle: string): Set<string> {
  const actions = new Set<string>();
  for (const match of bundle.matchAll(/^import\s*\{([^}]*)\}\s*from\s*"(@aws-sdk\/[^"]+)";/gm)) {
    const [, names = "", pkg = ""] = match;
    const service = SERVICE_OF_PACKAGE[pkg];
    if (!service) throw new Error(`${pkg} has no IAM service prefix here; add it to SERVICE_OF_PACKAGE.`);
    for (const binding of names
      .split(",")
      .map((name) => name.trim())
      .filter(Boolean)) {
      const [imported = "", local = imported] = binding.split(/\s+as\s+/);
      const used = (pattern: string) => new RegExp(pattern).test(bundle);
      let action: string | undefined;
      if (/^paginate[A-Z]/.test(imported) && used(`\\b${local}\\(`)) action = imported.slice("paginate".length);
      else if (imported.endsWith("Command") && used(`new ${local}\\(`)) {
        action = pkg === "@aws-sdk/lib-dynamodb" ? DOCUMENT_COMMANDS[imported] : imported.slice(0, -"Command".length);
        if (action === undefined) throw new Error(`${imported} from ${pkg} maps to no DynamoDB action; add it to DOCUMENT_COMMANDS.`);
      }
      if (action === undefined) continue;
      for (const named of service === "s3" ? (S3_ACTIONS[action] ?? [action]) : [action])
        actions.add(ACTION_OF_COMMAND[`${service}:${named}`] ?? `${service}:${named}`);
      if (action === "UpdateAutoScalingGroup" && used(`new ${local}\\(\\{[^}]*\\bLaunchTemplate:`)) LAUNCH_RIGHTS.forEach((right) => actions.add(right));
      if (action === "StartInstances") ENCRYPTED_START.forEach((right) => actions.add(right));
      if (service === "sns" && action === "Publish") ENCRYPTED_PUBLISH.forEach((right) => actions.add(right));
    }
  }
  if (/\bfetch\(/.test(bundle)) VPC_NETWORK_INTERFACE_ACTIONS.forEach((right) => actions.add(right));
  return actions;
}

/**
 * Each function's bundle as esbuild tree-shakes it from functions/<dir>/handler.ts, with every
 * package left external: what stays is the code the function can run, and the SDK commands it
 * can send are exactly the ones that code constructs.
 */
const calls = new Map<string, Set<string>>();

beforeAll(async () => {
  const output = await build({
    entryPoints: Object.fromEntries(FUNCTIONS.map((entry) => [entry.dir, resolve("functions", entry.dir, "handler.ts")])),
    outdir: resolve("dist", "needs"),
    bundle: true,
    write: false,
    format: "esm",
    platform: "node",
    packages: "external",
    logLevel: "silent",
  });
  for (const file of output.outputFiles) calls.set(file.path.split("/").at(-1)?.replace(/\.js$/, "") ?? "", calledActions(file.text));
});

const called = (entry: FunctionEntry) => {
  const actions = calls.get(entry.dir);
  if (!actions) throw new Error(`no bundle for functions/${entry.dir}/handler.ts`);
  return actions;
};

describe("functions/catalog.ts", () => {
  it.each(FUNCTIONS.map((entry) => [entry.dir, entry] as const))("%s is allowed every call its code makes", (_dir, entry) => {
    const allowed = new Set(entry.needs.flatMap((capability) => [...granted(capability)]));

    expect([...called(entry)].filter((action) => !allowed.has(action)).sort()).toEqual([]);
  });

  it.each(FUNCTIONS.map((entry) => [entry.dir, entry] as const))("%s needs no capability its code does without", (_dir, entry) => {
    const others = (capability: Capability) => new Set(entry.needs.filter((need) => need !== capability).flatMap((need) => [...granted(need)]));
    const unused = entry.needs.filter((capability) => ![...granted(capability)].some((action) => called(entry).has(action) && !others(capability).has(action)));

    expect(unused).toEqual([]);
  });

  it("grants no action that no function holding the capability calls", () => {
    const capabilities = [...new Set(FUNCTIONS.flatMap((entry) => entry.needs))];
    const unused = capabilities.flatMap((capability) => {
      const holders = FUNCTIONS.filter((entry) => entry.needs.includes(capability));
      return [...granted(capability)].filter((action) => !holders.some((entry) => called(entry).has(action))).map((action) => `${capability}: ${action}`);
    });

    expect(unused).toEqual([]);
  });

  it("reads the calls from the code: the rollback's launch template switch needs the launch rights, a plain resize does not", () => {
    const byDir = (dir: string) => called(FUNCTIONS.find((entry) => entry.dir === dir) as FunctionEntry);

    expect([...byDir("roll-back")]).toEqual(expect.arrayContaining(["autoscaling:UpdateAutoScalingGroup", ...LAUNCH_RIGHTS]));
    expect([...byDir("clean-up-after-failure")]).toContain("autoscaling:UpdateAutoScalingGroup");
    expect([...byDir("clean-up-after-failure")].filter((action) => LAUNCH_RIGHTS.includes(action))).toEqual([]);
    expect([...byDir("power-check")].filter((action) => action.startsWith("dynamodb:"))).toEqual([]);
  });
});
