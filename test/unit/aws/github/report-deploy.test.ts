import { GetParameterCommand, ParameterNotFound, SSMClient } from "@aws-sdk/client-ssm";
import type { Context } from "aws-lambda";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createRuntime, provideRuntime, resetRuntime } from "../../../../functions/aws/runtime.js";
import { parseConfig } from "../../../../functions/core/config/config.js";
import type { LogLevel } from "../../../../functions/aws/environment.js";
import { handler } from "../../../../functions/report-github/handler.js";
import { startFakeGitHub, type FakeGitHub } from "./fake-github.js";

const TG = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/hello-prod/1";
const SHA = "3f2c1ab9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3";
const TOKEN = "ghp_Zx9TestTokenNeverLogged0123456789ab";
const EXECUTION = "hello-prod-3f2c1ab9e8d7-72d3162e";
const ssm = mockClient(SSMClient);

let github: FakeGitHub;

function configFor(apiUrl: string, extra: Record<string, unknown> = {}) {
  return parseConfig({
    apps: {
      hello: {
        repository: "octo-org/hello",
        github: { deployments: true, environmentUrl: "https://{env}.hello.example.com", apiUrl, ...extra },
        environments: { prod: { branch: "main", region: "eu-west-1", group: { autoScalingGroupName: "hello-prod", targetGroupArns: [TG] } } },
      },
    },
  });
}

function useRuntime(options: { apiUrl?: string; token?: string | undefined; extra?: Record<string, unknown>; logLevel?: LogLevel } = {}) {
  const token = "token" in options ? options.token : TOKEN;
  provideRuntime(
    createRuntime({
      config: configFor(options.apiUrl ?? github.url, options.extra),
      settings: { region: "eu-west-1", credentials: { accessKeyId: "test", secretAccessKey: "test" } },
      env: { logLevel: options.logLevel ?? "SILENT", ...(token ? { githubToken: token } : {}) },
    }),
  );
}

/** The execution state as the definition hands it to "Report deploy started" (or, with `more`, to "Report deploy outcome"). */
function state(more: Record<string, unknown> = {}) {
  return {
    app: "hello",
    env: "prod",
    release: { id: "3f2c1ab9e8d7", ref: "refs/heads/main", commit: SHA },
    group: { autoScalingGroupName: "hello-prod", targetGroupArns: [TG] },
    trigger: { source: "github", deliveryId: "72d3162e-cc78-11e3-81ab-4c9367dc0958" },
    reportToGitHub: true,
    execution: { name: EXECUTION, startedAt: "2026-11-23T06:52:30.000Z" },
    ...more,
  };
}

const report = async (event: unknown) => (await handler(event, {} as Context)) as unknown as Record<string, unknown>;

beforeEach(async () => {
  github = await startFakeGitHub();
});
afterEach(async () => {
  await github.close();
  resetRuntime();
  ssm.reset();
  vi.restoreAllMocks();
});

describe("report-github, when the deploy starts", () => {
  it("makes a deployment of the commit for the environment, then marks it in_progress", async () => {
    useRuntime();

    const result = await report(state());

    expect(github.received).toEqual([
      {
        method: "GET",
        path: "/repos/octo-org/hello/deployments",
        query: { sha: SHA, environment: "prod", per_page: "30" },
        authorization: `token ${TOKEN}`,
        body: undefined,
      },
      {
        method: "POST",
        path: "/repos/octo-org/hello/deployments",
        query: {},
        authorization: `token ${TOKEN}`,
        body: {
          ref: SHA,
          environment: "prod",
          auto_merge: false,
          required_contexts: [],
          description: "gantry deploy of 3f2c1ab9e8d7 to hello/prod",
          payload: { execution: EXECUTION, release: "3f2c1ab9e8d7" },
        },
      },
      {
        method: "POST",
        path: "/repos/octo-org/hello/deployments/4242/statuses",
        query: {},
        authorization: `token ${TOKEN}`,
        body: {
          state: "in_progress",
          description: "Deploying 3f2c1ab9e8d7 to hello/prod",
          environment: "prod",
          environment_url: "https://prod.hello.example.com",
        },
      },
    ]);
    expect(result).toEqual({
      reported: true,
      deploymentId: 4242,
      state: "in_progress",
      message: "GitHub deployment 4242 of octo-org/hello (prod): in_progress",
      summary: "GitHub deployment 4242 of octo-org/hello (prod): in_progress",
    });
  });

  it("finds the deployment this execution already made when the step runs again, making no second one", async () => {
    useRuntime();
    github.answer("GET /repos/octo-org/hello/deployments", {
      status: 200,
      body: [
        { id: 77, payload: { execution: "hello-prod-3f2c1ab9e8d7-0a0a0a0a" } },
        { id: 78, payload: { execution: EXECUTION } },
      ],
    });

    const result = await report(state());

    expect(github.received.map((request) => `${request.method} ${request.path}`)).toEqual([
      "GET /repos/octo-org/hello/deployments",
      "POST /repos/octo-org/hello/deployments/78/statuses",
    ]);
    expect(result).toMatchObject({ reported: true, deploymentId: 78 });
  });
});

describe("report-github, when the deploy ends", () => {
  it("marks the deployment success, with the release number", async () => {
    useRuntime();

    const result = await report(
      state({
        lock: { outcome: "acquired", holder: EXECUTION, leaseSeconds: 900, waitSeconds: 0, label: "v7" },
        outcome: { status: "deployed" },
        github: { reported: true, deploymentId: 4242, state: "in_progress", message: "…" },
      }),
    );

    expect(github.received).toEqual([
      expect.objectContaining({
        method: "POST",
        path: "/repos/octo-org/hello/deployments/4242/statuses",
        body: {
          state: "success",
          description: "Deployed v7 (3f2c1ab9e8d7) to hello/prod",
          environment: "prod",
          environment_url: "https://prod.hello.example.com",
        },
      }),
    ]);
    expect(result).toMatchObject({ reported: true, deploymentId: 4242, state: "success" });
  });

  it("marks it failure with gantry's cause, cut to GitHub's 140 characters", async () => {
    useRuntime();
    const cause =
      "Deploy of v3 to hello/prod failed in batch 1 of 4 and was rolled back to v2. HealthGateFailedError: Batch 1 of 4: instance i-0000000000000000d is unhealthy in target group hello-prod-1 (Target.ResponseCodeMismatch). Fleet now: desired 12, 12 on v2 in service, 12 serving.";

    await report(state({ outcome: { status: "rolled back", error: "DeployRolledBack", cause }, github: { reported: true, deploymentId: 4242, message: "…" } }));

    const body = github.received[0]?.body as { state: string; description: string };
    expect(body.state).toBe("failure");
    expect(body.description).toHaveLength(140);
    expect(body.description).toBe(`${cause.slice(0, 139)}…`);
  });
});

describe("report-github, when reporting fails, never failing the deploy", () => {
  it("names the token parameter when it does not exist, and calls no GitHub", async () => {
    useRuntime({ token: undefined });
    ssm.on(GetParameterCommand).rejects(new ParameterNotFound({ message: "", $metadata: {} }));

    const result = await report(state());

    expect(result).toMatchObject({ reported: false });
    expect(result.message).toBe(
      "GitHub deployment status for octo-org/hello not reported: SSM parameter /gantry/github-token does not exist or is empty; put a GitHub token allowed deployments: write on octo-org/hello in it as a SecureString (the deploy goes on without it).",
    );
    expect(github.received).toEqual([]);
  });

  it("reads the token from SSM, decrypted, once per container", async () => {
    useRuntime({ token: undefined });
    ssm.on(GetParameterCommand).resolves({ Parameter: { Name: "/gantry/github-token", Type: "SecureString", Value: TOKEN } });

    await report(state());
    await report(state());

    expect(ssm).toHaveReceivedCommandTimes(GetParameterCommand, 1);
    expect(ssm).toHaveReceivedCommandWith(GetParameterCommand, { Name: "/gantry/github-token", WithDecryption: true });
    expect(github.received.filter((request) => request.authorization === `token ${TOKEN}`)).toHaveLength(6);
  });

  it("names the permission a token lacks when GitHub answers 403", async () => {
    useRuntime();
    github.answer("POST /repos/octo-org/hello/deployments", { status: 403, body: { message: "Resource not accessible by personal access token" } });

    const result = await report(state());

    expect(result).toMatchObject({ reported: false });
    expect(result.message).toBe(
      "GitHub deployment status for octo-org/hello not reported: POST /repos/octo-org/hello/deployments answered 403 (Resource not accessible by personal access token); the token in /gantry/github-token lacks deployments: write on octo-org/hello: grant it that permission (the deploy goes on without it).",
    );
  });

  it("says GitHub failed on a 500", async () => {
    useRuntime();
    github.answer("POST /repos/octo-org/hello/deployments/4242/statuses", { status: 500, body: { message: "Server Error" } });

    const result = await report(state());

    expect(result.message).toContain("POST /repos/octo-org/hello/deployments/4242/statuses answered 500 (Server Error); GitHub failed");
    expect(result).toMatchObject({ reported: false });
  });

  it("gives up after github.timeoutSeconds when GitHub does not answer", async () => {
    useRuntime({ extra: { timeoutSeconds: 0.3 } });
    github.answer("GET /repos/octo-org/hello/deployments", "hang");

    const result = await report(state());

    expect(result).toMatchObject({ reported: false });
    expect(result.message).toBe(
      "GitHub deployment status for octo-org/hello not reported: GET /repos/octo-org/hello/deployments did not answer within 0.3 s (the deploy goes on without it).",
    );
  });

  it("names the API URL it could not reach", async () => {
    const closed = github.url;
    await github.close();
    github = await startFakeGitHub();
    useRuntime({ apiUrl: closed });

    const result = await report(state());

    expect(result).toMatchObject({ reported: false });
    expect(result.message).toMatch(new RegExp(`could not reach ${closed} \\(.*ECONNREFUSED.*\\); check github.apiUrl`));
  });

  it("reports nothing for an app without github.deployments", async () => {
    useRuntime({ extra: { deployments: false } });

    const result = await report(state());

    expect(result).toEqual(expect.objectContaining({ reported: false, message: "apps.hello.github.deployments is not on: nothing reported to GitHub" }));
    expect(github.received).toEqual([]);
  });

  it("never writes the token to the log, whatever happens", async () => {
    const written: string[] = [];
    const keep = (chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    };
    vi.spyOn(process.stdout, "write").mockImplementation(keep);
    vi.spyOn(process.stderr, "write").mockImplementation(keep);
    useRuntime({ logLevel: "DEBUG" });
    github.answer("POST /repos/octo-org/hello/deployments", { status: 401, body: { message: "Bad credentials" } });

    const result = await report(state());

    expect(written.join("")).toContain("github report failed");
    expect(written.join("")).not.toContain(TOKEN);
    expect(JSON.stringify(result)).not.toContain(TOKEN);
    expect(result.message).toContain("the token in /gantry/github-token is not valid");
  });
});
