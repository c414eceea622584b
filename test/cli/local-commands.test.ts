import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { provideRuntime } from "../../functions/aws/runtime.js";
import { EXAMPLE_RELEASES, buildExampleReleases } from "../../local/example-releases.js";
import { createLocalRuntime } from "../../local/runtime.js";
import { startLocalS3 } from "../../local/s3/index.js";
import { gantryIn } from "./run-gantry.js";

const home = mkdtempSync(join(tmpdir(), "gantry-cli-"));
const { first, second, failing } = EXAMPLE_RELEASES;

const gantry = gantryIn(home);

// The releases the commands deploy, built into the local store the CLI keeps under $GANTRY_HOME/s3.
beforeAll(async () => {
  const s3 = await startLocalS3({ directory: join(home, "s3") });
  try {
    provideRuntime(createLocalRuntime({ releaseBucket: s3.bucket }));
    await buildExampleReleases("hello", "prod", [first, second, failing]);
  } finally {
    await s3.close();
  }
});

afterAll(() => rmSync(home, { recursive: true, force: true }));

describe("gantry CLI, local commands", () => {
  it("deploys locally, prints the summary as JSON on the last line and exits 0", async () => {
    const result = await gantry("deploy", second, "--local", "--instances", "3", "--json");

    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout.trim().split("\n").at(-1) ?? "") as {
      status: string;
      release: string;
      currentState: string;
      batch: { of: number };
    };
    expect(summary).toMatchObject({ status: "SUCCEEDED", release: second, currentState: "Deployed", batch: { of: 3 } });
  });

  it("exits 1 with the rollback cause when the release fails its health gate", async () => {
    const result = await gantry("deploy", failing, "--local", "--from", second, "--instances", "2");

    expect(result.code).toBe(1);
    expect(result.stdout).toContain("→ Roll back");
    expect(result.stdout).toMatch(/FAILED/);
    expect(result.stdout).toContain(`rolled back to ${second}`);
  });

  it("lists the recorded executions, newest first, and shows one's history with its gate evidence", async () => {
    const status = await gantry("status", "--local", "--json");
    const executions = JSON.parse(status.stdout.trim()) as { name: string; status: string }[];
    expect(executions.map((execution) => execution.status)).toEqual(["FAILED", "SUCCEEDED"]);

    const history = await gantry("history", "--local", executions[0]?.name ?? "", "--json");
    const detail = JSON.parse(history.stdout.trim()) as { steps: { state: string }[]; evidence: { targets: { notHealthy: { state: string }[] } } };
    expect(detail.steps.map((step) => step.state)).toContain("Deploy rolled back");
    expect(detail.evidence.targets.notHealthy[0]?.state).toBe("unhealthy");
  });

  it("rejects a bad batch step with the path and value and exits 2", async () => {
    const result = await gantry("deploy", second, "--local", "--batches", "120%");

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('strategy.batches[0]: "120%" is above 100%');
  });

  it("refuses --ignore-window with --local, where no deploy window applies, and exits 2", async () => {
    const result = await gantry("deploy", second, "--local", "--ignore-window");

    expect(result.code).toBe(2);
    expect(result.stderr).toContain("--ignore-window applies on AWS");
  });

  it("says how to find executions when the name matches none", async () => {
    const result = await gantry("history", "--local", "no-such-execution");

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('No execution named or starting with "no-such-execution"');
  });
});

describe("gantry CLI, release history", () => {
  it("lists the local releases newest first, with how each ended", async () => {
    const result = await gantry("releases", "hello", "prod", "--local", "--json");

    const releases = JSON.parse(result.stdout.trim().split("\n").at(-1) ?? "[]") as { label: string; releaseId: string; status: string }[];
    expect(releases.map((release) => [release.label, release.releaseId, release.status])).toEqual([
      ["v2", failing, "rolled back"],
      ["v1", second, "deployed"],
    ]);
  });

  it("rolls back to a release number (v1 is the first release deployed, whatever its id) through the state machine and records it", async () => {
    const rollback = await gantry("rollback", "hello", "prod", "--to", "v1", "--local", "--json");
    const after = await gantry("releases", "hello", "prod", "--local", "--json");

    expect(rollback.code).toBe(0);
    const newest = (JSON.parse(after.stdout.trim().split("\n").at(-1) ?? "[]") as { label: string; releaseId: string; trigger: { source: string } }[])[0];
    expect(newest).toMatchObject({ label: "v3", releaseId: second, trigger: { source: "rollback" } });
  });

  it("names the missing release and how to list them, without a stack trace", async () => {
    const result = await gantry("rollback", "hello", "prod", "--to", "v9", "--local");

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Release v9 of hello/prod was not found; run "gantry releases hello prod" to list the releases.');
    expect(result.stderr).not.toContain("    at ");
  });
});

describe("gantry CLI, releases that do not exist", () => {
  it("refuses a release that was never built, naming the key and the command that builds it", async () => {
    const result = await gantry("deploy", "0123456789ab", "--local", "--instances", "2");

    expect(result.code).toBe(1);
    expect(result.stdout).toContain("Deploy rejected");
    expect(result.stdout).toContain(
      "ReleaseNotBuiltError: Release 0123456789ab of hello/prod is not built: s3://gantry-releases/hello/prod/0123456789ab/manifest.json does not exist; build it with: gantry release create hello prod --ref 0123456789ab",
    );
  });

  it("refuses a release given as a number or a ref git does not know, exit 2, before anything runs", async () => {
    const result = await gantry("deploy", "v2", "--local");

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('git ref "v2" does not exist');
  });
});
