import { describe, expect, it } from "vitest";
import { githubSchema } from "../../../../functions/core/config/github-config.js";
import { deploymentRequestFor, limitDescription, statusFor, type DeployToReport } from "../../../../functions/core/github/deployment-report.js";
import { reportProblem } from "../../../../functions/core/github/report-problem.js";

const settings = githubSchema.parse({ deployments: true });
const deploy: DeployToReport = {
  app: "hello",
  env: "prod",
  repository: "octo-org/hello",
  release: { id: "3f2c1ab9e8d7" },
  execution: "hello-prod-3f2c1ab9e8d7-1",
};
const target = { repository: "octo-org/hello", tokenParameter: "/gantry/github-token" };

describe("deploymentRequestFor", () => {
  it("names the release id as the ref when the deploy does not know the full commit", () => {
    expect(deploymentRequestFor(deploy)).toMatchObject({ owner: "octo-org", repo: "hello", ref: "3f2c1ab9e8d7", environment: "prod" });
  });
});

describe("statusFor", () => {
  it("shows no environment URL when the app has none", () => {
    expect(statusFor(deploy, settings)).toEqual({ state: "in_progress", description: "Deploying 3f2c1ab9e8d7 to hello/prod", environment: "prod" });
  });

  it("reports a deploy that changed nothing (already on the release) as success, with its summary", () => {
    expect(statusFor(deploy, settings, { status: "deployed", summary: "already on 3f2c1ab9e8d7" })).toMatchObject({
      state: "success",
      description: "already on 3f2c1ab9e8d7",
    });
  });

  it("reports a failure without a cause by how it ended", () => {
    expect(statusFor(deploy, settings, { status: "failed" })).toMatchObject({ state: "failure", description: "Deploy of 3f2c1ab9e8d7 to hello/prod failed" });
  });
});

describe("limitDescription", () => {
  it("keeps one line and cuts at 140 characters with an ellipsis", () => {
    expect(limitDescription("a\n  b")).toBe("a b");
    expect(limitDescription("x".repeat(140))).toBe("x".repeat(140));
    expect(limitDescription("x".repeat(141))).toBe(`${"x".repeat(139)}…`);
  });
});

describe("reportProblem", () => {
  it("says what a 404 and a 422 mean", () => {
    expect(reportProblem({ kind: "http", status: 404, request: "POST /repos/octo-org/hello/deployments", message: "Not Found" }, target)).toContain(
      "octo-org/hello does not exist or the token in /gantry/github-token cannot see it",
    );
    expect(reportProblem({ kind: "http", status: 422, request: "POST /repos/octo-org/hello/deployments", message: "No ref found" }, target)).toContain(
      "push it to the repository before deploying it",
    );
  });

  it("names the parameter and the permissions a function needs when SSM refuses", () => {
    expect(reportProblem({ kind: "token-unreadable", parameter: "/gantry/github-token", reason: "AccessDeniedException: denied" }, target)).toBe(
      "GitHub deployment status for octo-org/hello not reported: could not read SSM parameter /gantry/github-token (AccessDeniedException: denied); the reporting function needs ssm:GetParameter on it and kms:Decrypt of its key (the deploy goes on without it).",
    );
  });
});
