import { describe, expect, it } from "vitest";
import { decideWorkflowRun } from "../../../../functions/core/webhook/workflow-run.js";
import type { DeliveryContext } from "../../../../functions/core/webhook/deploy-start.js";
import { testConfig, workflowRunOfOtherRepository, workflowRunSucceeded } from "../../webhook/github.js";

const context: DeliveryContext = { config: testConfig, delivery: "72d3162e-cc78-11e3-81ab-4c9367dc0958", receivedAt: 1_741_078_800_000 };

/** GitHub's example of a successful run, with fields of its workflow_run changed. */
function run(changes: Record<string, unknown> = {}, top: Record<string, unknown> = {}): Record<string, unknown> {
  const example = workflowRunSucceeded();
  return { ...example, ...top, workflow_run: { ...example.workflow_run, ...changes } };
}

describe("decideWorkflowRun", () => {
  it("starts the environment whose workflow succeeded on its branch, with the head commit's first 12 characters as the release", () => {
    const decision = decideWorkflowRun(run(), context);

    expect(decision).toMatchObject({
      kind: "start",
      app: "octo",
      env: "prod",
      name: "octo-prod-3484a3fb816e-72d3162e",
      input: { release: { id: "3484a3fb816e", ref: "refs/heads/master", commit: "3484a3fb816e0859fd6e1cea078d76385ff50625" } },
    });
  });

  it("takes the release id in lowercase from an uppercase sha", () => {
    const decision = decideWorkflowRun(run({ head_sha: "3484A3FB816E0859FD6E1CEA078D76385FF50625" }), context);

    expect(decision).toMatchObject({ kind: "start", input: { release: { id: "3484a3fb816e" } } });
  });

  it.each([
    [{ conclusion: "failure" }, 'Workflow "test" on master of octo-org/octo-repo concluded failure; gantry deploys only after a successful run.'],
    [{ conclusion: null }, 'Workflow "test" on master of octo-org/octo-repo concluded nothing; gantry deploys only after a successful run.'],
    [{ head_branch: "feature" }, "Branch feature of octo-org/octo-repo deploys no environment (configured: master → prod)."],
    [{ head_branch: null }, 'The run of workflow "test" in octo-org/octo-repo is on no branch; gantry deploys branches.'],
    [{ event: "pull_request" }, 'The run of workflow "test" was for a pull_request event; gantry deploys runs of master itself.'],
  ])("ignores a run with %j, saying why", (changes, reason) => {
    expect(decideWorkflowRun(run(changes), context)).toEqual({ kind: "ignored", reason });
  });

  it("ignores another workflow of the same repository", () => {
    const decision = decideWorkflowRun(run({}, { workflow: { ...workflowRunSucceeded().workflow, name: "lint" } }), context);

    expect(decision).toEqual({ kind: "ignored", reason: 'Workflow "lint" is not the one octo/prod deploys after ("test").' });
  });

  it("ignores a run whose commit belongs to another repository, as a fork's does", () => {
    const example = workflowRunOfOtherRepository();
    const decision = decideWorkflowRun(
      { ...example, repository: { ...example.repository, full_name: "octo-org/octo-repo" }, workflow: { name: "test" } },
      context,
    );

    expect(decision).toEqual({ kind: "ignored", reason: "Branch main of octo-org/octo-repo deploys no environment (configured: master → prod)." });
    const onMaster = { ...example, repository: { ...example.repository, full_name: "octo-org/octo-repo" }, workflow: { name: "test" } };
    const forked = decideWorkflowRun(
      {
        ...onMaster,
        workflow_run: { ...example.workflow_run, head_branch: "master", conclusion: "success", head_repository: { full_name: "someone/octo-repo" } },
      },
      context,
    );
    expect(forked).toEqual({
      kind: "ignored",
      reason: 'The run of workflow "test" built a commit of someone/octo-repo, not of octo-org/octo-repo; gantry deploys only the repository\'s own commits.',
    });
  });

  it("ignores a repository gantry does not deploy", () => {
    expect(decideWorkflowRun(run({}, { repository: { full_name: "octo-org/other" } }), context)).toEqual({
      kind: "ignored",
      reason: "Repository octo-org/other is not in gantry's configuration; nothing deploys from it.",
    });
  });

  it("rejects a head_sha that is not a commit", () => {
    expect(decideWorkflowRun(run({ head_sha: "3484a3f" }), context)).toEqual({
      kind: "invalid",
      problem: 'workflow_run.head_sha: "3484a3f" is not a commit sha.',
    });
  });

  it("rejects a payload without workflow_run, naming the field", () => {
    const decision = decideWorkflowRun({ action: "completed", repository: { full_name: "octo-org/octo-repo" } }, context);

    expect(decision).toMatchObject({ kind: "invalid" });
    expect(decision.kind === "invalid" && decision.problem).toContain("workflow_run: missing");
  });

  it("rejects a delivery without X-GitHub-Delivery: the deploy is named after it", () => {
    expect(decideWorkflowRun(run(), { ...context, delivery: undefined })).toMatchObject({ kind: "invalid" });
  });
});
