import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { provideRuntime } from "../../functions/aws/runtime.js";
import { EXAMPLE_RELEASES, buildExampleReleases } from "../../local/example-releases.js";
import { createLocalRuntime } from "../../local/runtime.js";
import { startLocalS3 } from "../../local/s3/index.js";
import { gantryIn } from "./run-gantry.js";

const home = mkdtempSync(join(tmpdir(), "gantry-recover-"));
const { first, second } = EXAMPLE_RELEASES;
const gantry = gantryIn(home);
const bin = join(import.meta.dirname, "../../bin/gantry.mjs");

beforeAll(async () => {
  const s3 = await startLocalS3({ directory: join(home, "s3") });
  try {
    provideRuntime(createLocalRuntime({ releaseBucket: s3.bucket }));
    await buildExampleReleases("hello", "prod", [first, second]);
  } finally {
    await s3.close();
  }
});
afterAll(() => rmSync(home, { recursive: true, force: true }));

/** Whether the local table saved under $GANTRY_HOME holds a rollout recorded as unfinished. */
function rolloutRecorded(): boolean {
  const file = join(home, "dynamo.json");
  return existsSync(file) && readFileSync(file, "utf8").includes('"rollout"');
}

/** Starts a large local deploy and kills its process (SIGKILL) once its rollout is recorded. */
async function killedDeploy(): Promise<void> {
  const child = spawn(process.execPath, [bin, "deploy", second, "--local", "--instances", "900"], {
    env: { ...process.env, GANTRY_HOME: home, NO_COLOR: "1" },
    stdio: "ignore",
  });
  const ended = new Promise((resolve) => child.once("exit", resolve));
  const deadline = Date.now() + 60_000;
  while (!rolloutRecorded() && Date.now() < deadline && child.exitCode === null) await new Promise((resolve) => setTimeout(resolve, 50));
  child.kill("SIGKILL");
  await ended;
}

describe("gantry recover --local", () => {
  it("after a killed local deploy: status reads ABORTED, the next deploy is refused naming recover, recover closes it, and deploys go on", async () => {
    await killedDeploy();
    expect(rolloutRecorded()).toBe(true);

    const status = await gantry("status", "--local");
    expect(status.stdout).toMatch(/hello-prod-b7d2e4f01c68-\S+ {2}ABORTED/);

    const refused = await gantry("deploy", second, "--local", "--instances", "4");
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain("was left unfinished mid-rollout");
    expect(refused.stdout).toContain("Run `gantry recover hello prod` (with --local for a local deploy)");

    const recovered = await gantry("recover", "hello", "prod", "--local", "--json");
    expect(recovered.code).toBe(0);
    const answer = JSON.parse(recovered.stdout.trim().split("\n").at(-1) ?? "{}") as Record<string, unknown>;
    expect(answer).toMatchObject({ app: "hello", env: "prod", recovering: true, status: "ABORTED", release: second, label: "v1", releaseStatus: "failed" });
    expect(rolloutRecorded()).toBe(false);

    const releases = await gantry("releases", "hello", "prod", "--local");
    expect(releases.stdout).toMatch(/v1 +b7d2e4f01c68 +failed/);
    expect(releases.stdout).toContain("its simulated group ended with its process, so gantry recover --local closed the release");

    const again = await gantry("recover", "hello", "prod", "--local");
    expect(again).toMatchObject({ code: 0, stdout: "Nothing to recover: no rollout of hello/prod is recorded as unfinished.\n" });

    const next = await gantry("deploy", second, "--local", "--instances", "4");
    expect(next.code).toBe(0);
    expect(next.stdout).toMatch(/SUCCEEDED +b7d2e4f01c68 +Deployed/);
  }, 120_000);

  it("lists its options in --help", async () => {
    const result = await gantry("recover", "--help");

    expect(result.code).toBe(0);
    for (const option of ["<app>", "<env>", "--local", "--no-wait", "--json", "--region <region>", "--stack <name>"]) expect(result.stdout).toContain(option);
  });
});
