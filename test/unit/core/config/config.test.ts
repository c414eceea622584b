import { describe, expect, it } from "vitest";
import { deployInputFor, environmentForPush, parseConfig, type GantryConfigInput } from "../../../../functions/core/config/config.js";
import { parseDeployInput } from "../../../../functions/core/config/input.js";
import example from "../../../../gantry.config.js";
import { rejection } from "./config-rejection.js";

const TG = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/web/1";

function config(prod: Record<string, unknown> = {}, app: Record<string, unknown> = {}): GantryConfigInput {
  return {
    apps: {
      hello: {
        repository: "octo-org/hello",
        environments: {
          prod: { branch: "main", region: "eu-west-1", group: { autoScalingGroupName: "hello-prod", targetGroupArns: [TG] }, ...prod },
        },
        ...app,
      },
    },
  } as GantryConfigInput;
}

describe("parseConfig", () => {
  it("accepts the example configuration and fills in the strategy's defaults", () => {
    const parsed = parseConfig(example);

    expect(Object.keys(parsed.apps.hello?.environments ?? {})).toEqual(["prod", "staging"]);
    expect(parsed.apps.hello?.environments.staging?.strategy).toMatchObject({ batches: ["50%"], minHealthyPercent: 100, retire: "standby" });
  });

  it("rejects a batch share above 100% naming its full path and value", () => {
    const message = rejection(config({ strategy: { batches: [1, "25%", "120%"] } }));

    expect(message).toContain('apps.hello.environments.prod.strategy.batches[2]: "120%" is above 100%');
  });

  it("rejects a repository that is not owner/name, and a region that is not a region", () => {
    const message = rejection(config({ region: "Ireland" }, { repository: "hello" }));

    expect(message).toContain('apps.hello.repository: "hello" is not a GitHub repository such as "octo-org/hello"');
    expect(message).toContain('apps.hello.environments.prod.region: "Ireland" is not an AWS region such as "eu-west-1"');
  });

  it("rejects two environments of one app on the same branch", () => {
    const raw = config();
    const hello = raw.apps.hello as { environments: Record<string, unknown> };
    hello.environments.staging = { ...(hello.environments.prod as object) };

    expect(rejection(raw)).toContain('apps.hello.environments.staging.branch: "main" is already the branch of environment "prod"');
  });

  it("rejects a full ref as a branch, an empty target group list and an app without environments", () => {
    expect(rejection(config({ branch: "refs/heads/main" }))).toContain('is a full ref: give the branch name alone, e.g. "main"');
    expect(rejection(config({ group: { autoScalingGroupName: "g", targetGroupArns: [] } }))).toContain(
      "targetGroupArns: [] is empty: name at least one target group",
    );
    expect(rejection(config({}, { environments: {} }))).toContain("apps.hello.environments: {} is empty: configure at least one environment");
  });

  it("rejects an HTTP gate without infrastructure.vpc, naming both paths and the fix", () => {
    const message = rejection(config({ gates: { http: { port: 8080 } } }));

    expect(message).toBe(
      "gantry.config.ts is invalid:\n  apps.hello.environments.prod.gates.http: {\"port\":8080} is set, but infrastructure.vpc is missing: the gate functions would run outside the VPC and never reach the instances' private addresses. Add infrastructure.vpc { subnetIds, securityGroupIds } (gantry init writes it from the fleet stack's outputs), or remove gates.http",
    );
  });

  it("accepts an HTTP gate once the gate functions run in a VPC, and no gate without one", () => {
    const vpc = { subnetIds: ["subnet-0abc1234"], securityGroupIds: ["sg-0abc1234"] };
    const gated = { ...config({ gates: { http: { port: 8080 } } }), infrastructure: { vpc } };

    expect(parseConfig(gated).apps.hello?.environments.prod?.gates.http).toMatchObject({ port: 8080, healthPath: "/health" });
    expect(parseConfig(config()).apps.hello?.environments.prod?.gates.http).toBeUndefined();
  });
});

describe("environmentForPush", () => {
  const parsed = parseConfig(example);

  it("finds the environment a branch deploys, whatever the case of the repository name", () => {
    expect(environmentForPush(parsed, "Octo-Org/Hello", "staging")).toMatchObject({ app: "hello", env: "staging" });
  });

  it("finds nothing for an unconfigured branch or repository", () => {
    expect(environmentForPush(parsed, "octo-org/hello", "feature/x")).toBeUndefined();
    expect(environmentForPush(parsed, "octo-org/other", "main")).toBeUndefined();
  });
});

describe("deployInputFor", () => {
  const parsed = parseConfig(example);

  it("builds a deploy input the deploy state machine accepts", () => {
    const input = deployInputFor(parsed, "hello", "prod", { id: "3f2c1ab", ref: "refs/heads/main" }, { source: "github", deliveryId: "d-1", actor: "octocat" });

    const accepted = parseDeployInput(input);

    expect(accepted.group.autoScalingGroupName).toBe("hello-prod");
    expect(accepted.strategy.batches).toEqual([1, "25%", "100%"]);
    expect(accepted.trigger).toEqual({ source: "github", deliveryId: "d-1", actor: "octocat" });
  });

  it("fails naming the configured environments when the one asked for does not exist", () => {
    expect(() => deployInputFor(parsed, "hello", "qa", { id: "1" }, { source: "cli" })).toThrow(
      /No environment hello\/qa in the configuration \(configured: hello\/prod, hello\/staging\)/,
    );
  });
});
