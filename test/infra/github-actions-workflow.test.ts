import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseDocument } from "yaml";

const WORKFLOW = "examples/github-actions/release.yml";

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
}

/** The example workflow, parsed strictly: a syntax error or a repeated key fails here, not on GitHub. */
function workflow(): { name: string; on: { push: { branches: string[] } }; permissions: Record<string, string>; jobs: Record<string, { steps: Step[] }> } {
  const document = parseDocument(readFileSync(WORKFLOW, "utf8"), { uniqueKeys: true, prettyErrors: true });
  expect(document.errors.map((error) => error.message)).toEqual([]);
  expect(document.warnings.map((warning) => warning.message)).toEqual([]);
  return document.toJS() as ReturnType<typeof workflow>;
}

describe("examples/github-actions/release.yml", () => {
  it("runs on pushes to main and creates the release of the pushed commit", () => {
    const parsed = workflow();
    const steps = Object.values(parsed.jobs).flatMap((job) => job.steps);

    expect(parsed.on.push.branches).toEqual(["main"]);
    expect(steps.map((step) => step.uses?.split("@")[0] ?? "run")).toEqual([
      "actions/checkout",
      "actions/setup-node",
      "run",
      "run",
      "aws-actions/configure-aws-credentials",
      "run",
    ]);
    expect(steps.at(-1)?.run).toBe('npx gantry release create hello prod --ref "$GITHUB_SHA" --json');
  });

  it("gets AWS credentials through GitHub's OIDC token, not stored keys", () => {
    const parsed = workflow();
    const credentials = Object.values(parsed.jobs)
      .flatMap((job) => job.steps)
      .find((step) => step.uses?.startsWith("aws-actions/configure-aws-credentials@"));

    expect(parsed.permissions).toEqual({ contents: "read", "id-token": "write" });
    expect(credentials?.with).toMatchObject({ "role-to-assume": "${{ vars.GANTRY_RELEASE_ROLE_ARN }}", "aws-region": "${{ vars.AWS_REGION }}" });
    expect(Object.keys(credentials?.with ?? {})).not.toContain("aws-access-key-id");
  });

  it("is the workflow the README's configuration deploys after", () => {
    const readme = readFileSync("README.md", "utf8");

    expect(readme).toContain(`trigger: { workflowRun: "${workflow().name}" }`);
  });
});
