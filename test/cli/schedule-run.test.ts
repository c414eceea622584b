import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { gantryIn } from "./run-gantry.js";
import example from "../../gantry.config.js";

const home = mkdtempSync(join(tmpdir(), "gantry-schedule-run-"));
const office = join(home, "office.mjs");
writeFileSync(office, `export default ${JSON.stringify({ apps: example.apps, infrastructure: example.infrastructure, schedules: example.schedules })};\n`);
const gantry = gantryIn(home);
const lastLine = (stdout: string): unknown => JSON.parse(stdout.trim().split("\n").at(-1) ?? "");

afterAll(() => rmSync(home, { recursive: true, force: true }));

describe("gantry schedule run --local", () => {
  it("starts the example's targets and reports each outcome, the jumpbox's DNS record on its new address", async () => {
    const result = await gantry("schedule", "run", "office-hours", "start", "--local", "--at", "2026-03-24T08:00:00+02:00", "--config", office, "--json");

    expect(result.code).toBe(0);
    const outcome = lastLine(result.stdout) as { status: string; targets: { target: string; status: string; detail: string }[] };
    expect(outcome.status).toBe("SUCCEEDED");
    expect(outcome.targets.map((target) => `${target.target}: ${target.status}`)).toEqual([
      "instances tagged gantry:schedule=office-hours: done",
      "group hello-dev: done",
    ]);
    expect(outcome.targets[0]?.detail).toMatch(/DNS jumpbox\.dev\.example\.com → \d+\.\d+\.\d+\.\d+ \(TTL 60 s\) \(in sync\)/);
  });

  it("exits 1 with the failing target named when a start fails", async () => {
    const result = await gantry("schedule", "run", "office-hours", "start", "--local", "--at", "2026-03-24T08:00:00+02:00", "--fail-start", "--config", office);

    expect(result.code).toBe(1);
    expect(result.stdout).toContain("FAILED PowerTargetsFailed");
    expect(result.stdout).toContain("instances tagged gantry:schedule=office-hours: failed, 1 of 1 did not start");
  });

  it("rejects an unknown schedule and a wrong action, saying what to do", async () => {
    const unknown = await gantry("schedule", "run", "night", "stop", "--local", "--config", office);
    expect(unknown.stderr).toContain('has no schedule "night" (configured: office-hours)');
    const action = await gantry("schedule", "run", "office-hours", "reboot", "--local", "--config", office);
    expect(action.stderr).toMatch(/action.*"start" or "stop"/);
  });
});
