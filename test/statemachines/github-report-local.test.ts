import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseConfig } from "../../functions/core/config/config.js";
import { createLocalFleet, runLocalDeploy, type LocalFleet } from "../../local/scenario.js";
import { startFakeGitHub, type FakeGitHub } from "../unit/aws/github/fake-github.js";

const SHA = "3f2c1ab9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3";
const RELEASE = "3f2c1ab9e8d7";
const strategy = { batches: ["50%"], bakeSeconds: 30, pollSeconds: 15 };

let github: FakeGitHub;

/** A 4-instance hello/prod whose deploys report to the fake GitHub. */
function reportingFleet(githubSettings: Record<string, unknown> = {}): LocalFleet {
  const config = parseConfig({
    apps: {
      hello: {
        repository: "octo-org/hello",
        github: { deployments: true, apiUrl: github.url, environmentUrl: "https://{env}.hello.example.com", ...githubSettings },
        environments: {
          prod: {
            branch: "main",
            region: "eu-west-1",
            group: { autoScalingGroupName: "hello-prod", targetGroupArns: ["arn:aws:elasticloadbalancing:eu-west-1:000000000000:targetgroup/hello-prod-1/1"] },
          },
        },
      },
    },
  });
  return createLocalFleet({ instances: 4, runtime: { config, githubToken: "ghp_local" } });
}

const deployOf = (fleet: LocalFleet) =>
  fleet.deployInput(RELEASE, { release: { id: RELEASE, ref: "refs/heads/main", commit: SHA }, strategy, reportToGitHub: true });
const requests = () =>
  github.received.map((request) => `${request.method} ${request.path}${request.body ? ` ${(request.body as { state?: string }).state ?? "deployment"}` : ""}`);
const statesOf = (record: { steps: { state: string }[] }) => record.steps.map((step) => step.state);

beforeEach(async () => {
  github = await startFakeGitHub();
});
afterEach(async () => {
  await github.close();
});

describe("deploy state machine, reporting to GitHub", () => {
  it("reports a deploy in progress after the plan and success once the lock is free, and shows it in the output", async () => {
    const fleet = reportingFleet();

    const record = await runLocalDeploy(fleet, deployOf(fleet));

    expect(record.status).toBe("SUCCEEDED");
    expect(requests()).toEqual([
      "GET /repos/octo-org/hello/deployments",
      "POST /repos/octo-org/hello/deployments deployment",
      "POST /repos/octo-org/hello/deployments/4242/statuses in_progress",
      "POST /repos/octo-org/hello/deployments/4242/statuses success",
    ]);
    const states = statesOf(record);
    expect(states.indexOf("Report deploy started")).toBe(states.indexOf("Plan rollout") + 4);
    expect(states.indexOf("Report deploy started")).toBeLessThan(states.indexOf("Prepare group"));
    expect(states.slice(-5)).toEqual(["Release the deploy lock", "Reported to GitHub?", "Report deploy outcome", "How did it end?", "Deployed"]);
    expect(record.output).toMatchObject({ github: { reported: true, deploymentId: 4242, state: "success" } });
  });

  it("reports a rolled-back deploy as failure with gantry's cause, in order", async () => {
    const fleet = reportingFleet();
    fleet.cloud.setReleaseHealth(RELEASE, "unhealthy");

    const record = await runLocalDeploy(fleet, deployOf(fleet));

    expect(record.status).toBe("FAILED");
    expect(record.error).toBe("DeployRolledBack");
    expect(requests()).toEqual([
      "GET /repos/octo-org/hello/deployments",
      "POST /repos/octo-org/hello/deployments deployment",
      "POST /repos/octo-org/hello/deployments/4242/statuses in_progress",
      "POST /repos/octo-org/hello/deployments/4242/statuses failure",
    ]);
    const failure = github.received.at(-1)?.body as { description: string; environment_url: string };
    expect(failure.description).toMatch(/^Deploy of 3f2c1ab9e8d7 to hello\/prod failed in batch 1 of 2 and was rolled back to v1\. HealthGateFailedError: /);
    expect(failure.description.length).toBeLessThanOrEqual(140);
    expect(failure.environment_url).toBe("https://prod.hello.example.com");
    expect(statesOf(record).indexOf("Report deploy outcome")).toBeGreaterThan(statesOf(record).indexOf("Roll back"));
  });

  it("deploys as usual when GitHub refuses the token, with the reason in the output", async () => {
    const fleet = reportingFleet();
    github.answer("POST /repos/octo-org/hello/deployments", { status: 403, body: { message: "Resource not accessible by integration" } });

    const record = await runLocalDeploy(fleet, deployOf(fleet));

    expect(record.status).toBe("SUCCEEDED");
    expect(record.output).toMatchObject({
      github: { reported: false, message: expect.stringContaining("lacks deployments: write on octo-org/hello") as string },
    });
    expect(statesOf(record)).not.toContain("Report deploy outcome");
  });

  it("runs no report for a deploy that does not ask for one", async () => {
    const fleet = reportingFleet();

    const record = await runLocalDeploy(fleet, fleet.deployInput(RELEASE, { strategy }));

    expect(record.status).toBe("SUCCEEDED");
    expect(statesOf(record)).not.toContain("Report deploy started");
    expect(github.received).toEqual([]);
  });
});
