import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DescribeStacksCommand } from "@aws-sdk/client-cloudformation";
import { PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import { init } from "../../cli/run/init.js";
import { setWebhookSecret } from "../../cli/run/webhook-secret.js";
import { loadConfigFile } from "../../functions/config/load.js";
import { FLEET_OUTPUTS } from "../../functions/core/config/fleet-outputs.js";
import { captureEachTest, cloudFormation } from "./aws-fixtures.js";

const TG = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/hello-Fleet-1ABC/0123456789abcdef";
const OUTPUTS: Record<string, string> = {
  [FLEET_OUTPUTS.app]: "hello",
  [FLEET_OUTPUTS.env]: "prod",
  [FLEET_OUTPUTS.region]: "eu-west-1",
  [FLEET_OUTPUTS.autoScalingGroupName]: "hello-prod",
  [FLEET_OUTPUTS.targetGroupArns]: TG,
  [FLEET_OUTPUTS.launchTemplateId]: "lt-0123456789abcdef0",
  [FLEET_OUTPUTS.launchTemplateVersion]: "1",
  [FLEET_OUTPUTS.appPort]: "8080",
  [FLEET_OUTPUTS.healthPath]: "/health",
  [FLEET_OUTPUTS.vpcId]: "vpc-0abc1234",
  [FLEET_OUTPUTS.gateSubnetIds]: "subnet-0aaa1111,subnet-0bbb2222",
  [FLEET_OUTPUTS.gateSecurityGroupId]: "sg-0ccc3333",
  [FLEET_OUTPUTS.loadBalancerUrl]: "http://hello-prod-123.eu-west-1.elb.amazonaws.com",
};

const output = captureEachTest({ AWS_REGION: "eu-west-1", AWS_ACCESS_KEY_ID: "test", AWS_SECRET_ACCESS_KEY: "test" });
const ssm = mockClient(SSMClient);
afterEach(() => ssm.reset());

function fleetStack(outputs: Record<string, string> = OUTPUTS): void {
  cloudFormation.on(DescribeStacksCommand, { StackName: "hello-prod-fleet" }).resolves({
    Stacks: [
      {
        StackName: "hello-prod-fleet",
        StackStatus: "CREATE_COMPLETE",
        CreationTime: new Date("2026-01-05T10:00:00Z"),
        Outputs: Object.entries(outputs).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })),
      },
    ],
  });
}

/** A config file in a temp dir; a plain object default export, as a hand-written one may be. */
function configFile(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), "gantry-init-"));
  const path = join(dir, "gantry.config.ts");
  writeFileSync(path, text);
  return path;
}

const flags = (config: string) => ({ fromStack: true, config, branch: "main", versionPath: "/version", repository: "octo-org/hello" });
const STAGING = `// the team's config
export default {
  apps: {
    hello: {
      repository: "octo-org/hello",
      environments: {
        // staging deploys from its own branch
        staging: { branch: "staging", region: "eu-west-1", group: { autoScalingGroupName: "hello-staging", targetGroupArns: ["${TG}"] } }
      }
    }
  },
};
`;

describe("gantry init", () => {
  it("writes the app/env and the gate's VPC from the fleet stack's outputs, keeping the rest of the file", async () => {
    fleetStack();
    const path = configFile(STAGING);

    await init("hello", "prod", { ...flags(path), repository: undefined });

    const config = await loadConfigFile(path);
    expect(config.apps.hello?.environments.prod).toMatchObject({
      branch: "main",
      region: "eu-west-1",
      group: { autoScalingGroupName: "hello-prod", targetGroupArns: [TG] },
      gates: { http: { port: 8080, healthPath: "/health", versionPath: "/version" }, alarms: [] },
    });
    expect(config.apps.hello?.environments.staging?.group.autoScalingGroupName).toBe("hello-staging");
    expect(config.infrastructure?.vpc).toEqual({ subnetIds: ["subnet-0aaa1111", "subnet-0bbb2222"], securityGroupIds: ["sg-0ccc3333"] });
    const text = readFileSync(path, "utf8");
    expect(text).toContain("// staging deploys from its own branch");
    expect(text).toContain("// Written by gantry init from stack hello-prod-fleet in eu-west-1 (launch template lt-0123456789abcdef0 version 1).");
    expect(output.stdout()).toBe(
      [
        "wrote apps.hello.environments.prod in " + path + " from stack hello-prod-fleet in eu-west-1",
        "  region eu-west-1, group hello-prod, 1 target group(s)",
        "  HTTP gate: port 8080, /health and /version",
        "  infrastructure.vpc: subnets subnet-0aaa1111, subnet-0bbb2222, security group sg-0ccc3333",
        "next: npx cdk deploy Gantry   (bundles the new config into gantry's functions and runs the gate functions in the fleet's VPC)",
        "",
      ].join("\n"),
    );
    expect(cloudFormation).toHaveReceivedCommandWith(DescribeStacksCommand, { StackName: "hello-prod-fleet" });
  });

  it("creates the config when there is none, a new app with its repository, and prints JSON with --json", async () => {
    fleetStack();
    const path = join(mkdtempSync(join(tmpdir(), "gantry-init-")), "gantry.config.ts");

    await init("hello", "prod", { ...flags(path), json: true });

    expect(output.lastJson()).toMatchObject({ app: "hello", env: "prod", created: true, vpc: { securityGroupIds: ["sg-0ccc3333"] } });
    const config = await loadConfigFile(path);
    expect(config.apps.hello?.repository).toBe("octo-org/hello");
    expect(readFileSync(path, "utf8")).toMatch(/^import \{ defineConfig \} from ".*functions\/core\/config\/config\.js";\n/);
  });

  it("rejects an app/env already in the config, writing nothing and asking AWS nothing", async () => {
    const path = configFile(STAGING);

    await expect(init("hello", "staging", flags(path))).rejects.toThrow(
      `apps.hello.environments.staging is already in ${path}: remove it there first to write it again, or run gantry init for another app/env.`,
    );
    expect(readFileSync(path, "utf8")).toBe(STAGING);
    expect(cloudFormation.calls()).toHaveLength(0);
  });

  it("rejects an unknown stack with what to do, writing nothing", async () => {
    cloudFormation.on(DescribeStacksCommand).rejects(Object.assign(new Error("Stack with id hello-prod-fleet does not exist"), { name: "ValidationError" }));
    const path = configFile(STAGING);

    await expect(init("hello", "prod", flags(path))).rejects.toThrow(
      'No CloudFormation stack "hello-prod-fleet" in eu-west-1. Deploy the fleet first (npx cdk deploy hello-prod-fleet), pass --stack <name> and --region <region> where it is, or --no-stack to type the values.',
    );
    expect(readFileSync(path, "utf8")).toBe(STAGING);
  });

  it("rejects a stack without the fleet's outputs, naming the missing ones", async () => {
    fleetStack({ DeployStateMachineArn: "arn:aws:states:eu-west-1:123456789012:stateMachine:x" });
    const path = configFile(STAGING);

    await expect(init("hello", "prod", flags(path))).rejects.toThrow(
      /^Stack "hello-prod-fleet" in eu-west-1 \(CREATE_COMPLETE\) has no output GantryApp, GantryEnv, Region, .*: it is not a fleet stack/,
    );
    expect(readFileSync(path, "utf8")).toBe(STAGING);
  });

  it("rejects the fleet of another app/env, and a config whose gate VPC is another one", async () => {
    fleetStack({ ...OUTPUTS, [FLEET_OUTPUTS.env]: "staging" });
    const path = configFile(STAGING);
    await expect(init("hello", "prod", flags(path))).rejects.toThrow(/is the fleet of hello\/staging, not hello\/prod: run gantry init hello staging/);

    fleetStack();
    const withVpc = configFile(
      STAGING.replace("  },\n};", '  },\n  infrastructure: { vpc: { subnetIds: ["subnet-0fff9999"], securityGroupIds: ["sg-0fff9999"] } },\n};'),
    );
    const before = readFileSync(withVpc, "utf8");
    await expect(init("hello", "prod", flags(withVpc))).rejects.toThrow(
      /infrastructure\.vpc in .* names subnets subnet-0fff9999, not the fleet's subnet-0aaa1111, subnet-0bbb2222/,
    );
    expect(readFileSync(withVpc, "utf8")).toBe(before);
  });

  it("refuses a config it cannot edit safely, and leaves no temporary file", async () => {
    fleetStack();
    const text = "const apps = {};\nexport default { apps };\n";
    const path = configFile(text);

    await expect(init("hello", "prod", flags(path))).rejects.toThrow(
      /"apps" in .* is not written as an object literal, so gantry cannot add to it safely: add apps\.hello\.environments\.prod by hand/,
    );
    expect(readFileSync(path, "utf8")).toBe(text);
    expect(readdirSync(join(path, ".."))).toEqual(["gantry.config.ts"]);
  });
});

describe("gantry init --no-stack", () => {
  const bin = join(import.meta.dirname, "../../bin/gantry.mjs");
  const run = (args: string[], input: string) =>
    spawnSync(process.execPath, [bin, ...args], { input, encoding: "utf8", env: { ...process.env, NO_COLOR: "1", AWS_REGION: "" } });

  it("asks for each value and takes the answers piped on stdin", () => {
    const path = configFile(STAGING);
    const answers = ["eu-west-1", "hello-prod", TG, "8080", "", "subnet-0aaa1111,subnet-0bbb2222", "sg-0ccc3333", ""].join("\n");

    const result = run(["init", "hello", "prod", "--no-stack", "--config", path], answers);

    expect(result.stderr).toContain("Auto Scaling group name:");
    expect(result.stderr).toContain("health path [/health]:");
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(`wrote apps.hello.environments.prod in ${path} from the answers given`);
    expect(readFileSync(path, "utf8")).toContain('subnetIds: ["subnet-0aaa1111", "subnet-0bbb2222"]');
  });

  it("keeps the gate's VPC the config already has, without asking for it again", () => {
    const withVpc = STAGING.replace(
      "  },\n};",
      '  },\n  infrastructure: { vpc: { subnetIds: ["subnet-0aaa1111", "subnet-0bbb2222"], securityGroupIds: ["sg-0ccc3333"] } },\n};',
    );
    const path = configFile(withVpc);
    const answers = ["eu-west-1", "hello-prod", TG, "8080", ""].join("\n");

    const result = run(["init", "hello", "prod", "--no-stack", "--config", path], answers);

    expect(result.stderr).not.toContain("subnet ids of the gate functions");
    expect(result.status).toBe(0);
    const written = readFileSync(path, "utf8");
    expect(written).toContain('autoScalingGroupName: "hello-prod"');
    expect(written.match(/subnetIds:/g)).toHaveLength(1);
  });

  it("exits 2 with one line when the answers run out, writing nothing", () => {
    const path = configFile(STAGING);

    const result = run(["init", "hello", "prod", "--no-stack", "--config", path], "eu-west-1\n");

    expect(result.status).toBe(2);
    expect(result.stderr.trim().split("\n").at(-1)).toBe(
      'error: No answer to "Auto Scaling group name" on stdin: answer every question, or run gantry init with a fleet stack (--stack <name>).',
    );
    expect(readFileSync(path, "utf8")).toBe(STAGING);
    expect(existsSync(path)).toBe(true);
  });

  it("exits 2 on an app name that is not a slug", () => {
    const result = run(["init", "Hello", "prod", "--no-stack"], "");
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('error: app "Hello" is not lowercase letters, digits and dashes');
  });
});

describe("gantry webhook secret set", () => {
  it("stores the secret as an overwritten SecureString at the configured parameter", async () => {
    ssm.on(PutParameterCommand).resolves({ Version: 3 });

    await setWebhookSecret({ value: "s3cr3t-from-github-0123", config: "gantry.config.ts" });

    expect(ssm).toHaveReceivedCommandWith(PutParameterCommand, {
      Name: "/gantry/webhook-secret",
      Value: "s3cr3t-from-github-0123",
      Type: "SecureString",
      Overwrite: true,
    });
    expect(output.stdout()).toBe("stored the webhook secret in SSM /gantry/webhook-secret (SecureString, version 3) in eu-west-1\n");
  });

  it("generates a 32-byte secret and prints it once", async () => {
    ssm.on(PutParameterCommand).resolves({ Version: 1 });

    await setWebhookSecret({ generate: true, parameter: "/gantry/hello/webhook", config: "gantry.config.ts", json: true });

    const result = output.lastJson<{ secret: string; parameter: string }>();
    expect(result.secret).toMatch(/^[0-9a-f]{64}$/);
    expect(ssm).toHaveReceivedCommandWith(PutParameterCommand, { Name: "/gantry/hello/webhook", Value: result.secret, Type: "SecureString", Overwrite: true });
  });

  it("rejects no source, two sources and a short secret, storing nothing", async () => {
    await expect(setWebhookSecret({ config: "gantry.config.ts" })).rejects.toThrow("Give the secret one way: --value <secret>, --from-stdin, or --generate.");
    await expect(setWebhookSecret({ value: "x".repeat(20), generate: true, config: "gantry.config.ts" })).rejects.toThrow(/one way/);
    await expect(setWebhookSecret({ value: "short", config: "gantry.config.ts" })).rejects.toThrow(
      "The secret is 5 characters long: give at least 16 (or use --generate).",
    );
    expect(ssm.calls()).toHaveLength(0);
  });
});
