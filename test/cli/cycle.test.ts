import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { gantryIn } from "./run-gantry.js";

const home = mkdtempSync(join(tmpdir(), "gantry-cycle-"));
const gantry = gantryIn(home);

afterAll(() => rmSync(home, { recursive: true, force: true }));

const lastJson = (stdout: string) => JSON.parse(stdout.trim().split("\n").at(-1) ?? "") as Record<string, unknown>;

describe("gantry cycle", () => {
  it("cycles a local group of mixed ages: only the instances over the configured 14d go", async () => {
    const result = await gantry("cycle", "hello", "prod", "--local", "--ages", "20d,3d,18d,2d,16d,1d", "--json");

    expect(result.code).toBe(0);
    const summary = lastJson(result.stdout) as {
      ending: string;
      release: string;
      toReplace: number;
      kept: number;
      replaced: { ageSeconds: number }[];
      launched: string[];
      minServing: number;
    };
    expect(summary).toMatchObject({ ending: "Cycled", release: "a1f3c9e07b24", toReplace: 3, kept: 3, minServing: 6 });
    // LaunchTime is whole seconds, as on EC2: an age reads up to a second more than it was set to.
    expect(summary.replaced.map((instance) => Math.floor(instance.ageSeconds / 86_400)).sort()).toEqual([16, 18, 20]);
    expect(summary.launched).toHaveLength(3);
  });

  it("lists which instances a dry run would replace, batch by batch, with zone and age", async () => {
    const result = await gantry("cycle", "hello", "prod", "--local", "--dry-run", "--instances", "4", "--ages", "30d,1d,15d,2d");

    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/batch 1 \(1\)\n {2}i-\w+ \(eu-west-1a, 30d\)\nbatch 2 \(1\)\n {2}i-\w+ \(eu-west-1c, 15d\)\n/);
    expect(result.stdout).toContain("dry run: nothing was changed");
  });

  it("refuses --demo without --local and an env without cycling, saying what to do", async () => {
    const demo = await gantry("cycle", "hello", "prod", "--demo");
    const staging = await gantry("cycle", "hello", "staging", "--local");

    expect(demo.code).toBe(2);
    expect(demo.stderr).toContain("add --local (gantry cycle hello prod --local --demo)");
    expect(staging.code).toBe(2);
    expect(staging.stderr).toContain("apps.hello.environments.staging.cycling is not configured");
  });

  it("refuses the simulated group's options without --local instead of ignoring them on AWS", async () => {
    const one = await gantry("cycle", "hello", "prod", "--at", "2026-03-29T03:00:00Z");
    const several = await gantry("cycle", "hello", "prod", "--instances", "12", "--ages", "30d", "--from", "c3e9a5d28f10");

    expect(one.code).toBe(2);
    expect(one.stderr).toContain(
      "--at describes the simulated group of --local; on AWS the real group is cycled. Add --local (gantry cycle hello prod --local …) or leave it out.",
    );
    expect(several.code).toBe(2);
    expect(several.stderr).toContain("--instances, --ages, --from describe the simulated group of --local");
  });
});
