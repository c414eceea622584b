import { describe, expect, it } from "vitest";
import { deployInputFor, parseConfig } from "../../../../functions/core/config/config.js";
import { environmentUrlFor } from "../../../../functions/core/config/github-config.js";
import { rejection } from "./config-rejection.js";

const TG = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/web/1";

function configWith(app: Record<string, unknown> = {}, environment: Record<string, unknown> = {}) {
  return {
    apps: {
      hello: {
        repository: "octo-org/hello",
        environments: { prod: { branch: "main", region: "eu-west-1", group: { autoScalingGroupName: "hello-prod", targetGroupArns: [TG] }, ...environment } },
        ...app,
      },
    },
  };
}

describe("configuration, trigger", () => {
  it('deploys on push unless told otherwise, and after a named workflow with { workflowRun: "<name>" }', () => {
    expect(parseConfig(configWith()).apps.hello?.environments.prod?.trigger).toBe("push");
    expect(parseConfig(configWith({}, { trigger: { workflowRun: "release" } })).apps.hello?.environments.prod?.trigger).toEqual({ workflowRun: "release" });
  });

  it("rejects a trigger that is neither, naming the path and both forms", () => {
    expect(rejection(configWith({}, { trigger: "pull_request" }))).toContain(
      'apps.hello.environments.prod.trigger: "pull_request" is not "push" or { workflowRun: "<workflow name>" }',
    );
  });

  it("rejects an empty workflow name", () => {
    expect(rejection(configWith({}, { trigger: { workflowRun: " " } }))).toContain(
      'apps.hello.environments.prod.trigger.workflowRun: " " is empty: give the workflow\'s name, as its "name:" line says',
    );
  });
});

describe("configuration, github", () => {
  it("defaults the token parameter and the API, and puts the environment's name in its URL", () => {
    const config = parseConfig(configWith({ github: { deployments: true, environmentUrl: "https://{env}.hello.example.com" } }));

    const github = config.apps.hello?.github;
    expect(github).toEqual({
      deployments: true,
      tokenParameter: "/gantry/github-token",
      apiUrl: "https://api.github.com",
      environmentUrl: "https://{env}.hello.example.com",
      timeoutSeconds: 5,
    });
    expect(github && environmentUrlFor(github, "prod")).toBe("https://prod.hello.example.com");
  });

  it("asks the deploy to report to GitHub only for an app with deployments on", () => {
    const on = parseConfig(configWith({ github: { deployments: true } }));
    const off = parseConfig(configWith({ github: { deployments: false } }));

    expect(deployInputFor(on, "hello", "prod", { id: "v1" }, { source: "cli" }).reportToGitHub).toBe(true);
    expect(deployInputFor(off, "hello", "prod", { id: "v1" }, { source: "cli" })).not.toHaveProperty("reportToGitHub");
  });

  it("takes a GitHub Enterprise API URL without its trailing slash", () => {
    const config = parseConfig(configWith({ github: { deployments: true, apiUrl: "https://github.example.com/api/v3/" } }));

    expect(config.apps.hello?.github?.apiUrl).toBe("https://github.example.com/api/v3");
  });

  it("rejects a token parameter that is not an SSM name, an URL that is not http(s), and an unknown key", () => {
    const message = rejection(configWith({ github: { deployments: true, tokenParameter: "github-token", environmentUrl: "ftp://hello", deploymens: true } }));

    expect(message).toContain(
      'apps.hello.github.tokenParameter: "github-token" is not an SSM parameter name starting with "/", such as "/gantry/github-token"',
    );
    expect(message).toContain('apps.hello.github.environmentUrl: "ftp://hello" is not an http(s) URL such as "https://{env}.hello.example.com"');
    expect(message).toContain('apps.hello.github.deploymens is not a known key: did you mean "deployments"?');
  });
});
