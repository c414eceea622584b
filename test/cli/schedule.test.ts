import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { gantryIn } from "./run-gantry.js";
import example from "../../gantry.config.js";

const home = mkdtempSync(join(tmpdir(), "gantry-schedule-"));

function configFile(name: string, config: unknown): string {
  const path = join(home, name);
  writeFileSync(path, `export default ${JSON.stringify(config)};\n`);
  return path;
}

const office = configFile("office.mjs", { apps: example.apps, infrastructure: example.infrastructure, schedules: example.schedules });

const gantry = gantryIn(home);

const lastLine = (stdout: string): unknown => JSON.parse(stdout.trim().split("\n").at(-1) ?? "");

afterAll(() => rmSync(home, { recursive: true, force: true }));

describe("gantry schedule plan", () => {
  it("lists the last week of March 2026 in Jerusalem in local time and UTC and flags the spring-forward Friday", async () => {
    const result = await gantry("schedule", "plan", "--from", "2026-03-23", "--days", "8", "--config", office);

    expect(result.code).toBe(0);
    expect(result.stdout).toContain("start cron(0 8 ? * SUN-THU *), stop cron(0 18 ? * SUN-THU *)");
    expect(result.stdout).toContain("THU 2026-03-26 08:00  2026-03-26 06:00 UTC  start");
    expect(result.stdout).toContain("SUN 2026-03-29 08:00  2026-03-29 05:00 UTC  start");
    expect(result.stdout).toContain("DST: on 2026-03-27 the offset changes +02:00 → +03:00");
    expect(result.stdout).not.toMatch(/(FRI|SAT) 2026-03-2[78]/);
  });

  it("says a holiday's start is skipped, and prints the plan as JSON on the last line", async () => {
    const result = await gantry("schedule", "plan", "--from", "2026-04-02", "--days", "1", "--config", office, "--json");

    expect(result.code).toBe(0);
    const plan = lastLine(result.stdout) as {
      schedules: { schedule: string; timezone: string; transitions: { action: string; at: string; skippedHoliday?: string }[] }[];
    };
    expect(plan.schedules[0]).toMatchObject({ schedule: "office-hours", timezone: "Asia/Jerusalem" });
    expect(plan.schedules[0]?.transitions).toEqual([
      expect.objectContaining({ action: "start", at: "2026-04-02T05:00:00.000Z", skippedHoliday: "2026-04-02" }),
      expect.not.objectContaining({ skippedHoliday: expect.anything() }),
    ]);
  });

  it("rejects a --from that is not a date, naming the value and the format, and exits 2", async () => {
    const result = await gantry("schedule", "plan", "--from", "23/03/2026", "--config", office);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--from "23/03/2026" is not a date: write it YYYY-MM-DD');
  });

  it("rejects a configuration with a wrong timezone, with the path and the value", async () => {
    const broken = configFile("broken.mjs", {
      apps: example.apps,
      infrastructure: example.infrastructure,
      schedules: { dev: { timezone: "Europe/Londn", on: "08:00", off: "18:00", targets: [{ autoScalingGroup: "dev" }] } },
    });

    const result = await gantry("schedule", "plan", "--config", broken);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('schedules.dev.timezone: "Europe/Londn" is not an IANA timezone');
  });

  it("fails with what to add when the configuration has no schedules", async () => {
    const none = configFile("none.mjs", { apps: example.apps, infrastructure: example.infrastructure });

    const result = await gantry("schedule", "savings", "--config", none);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('has no schedules: add a "schedules" section');
  });
});

describe("gantry schedule savings", () => {
  it("shows 50 of 168 hours on and the money saved per target, per week and per 30.44-day month", async () => {
    const text = await gantry("schedule", "savings", "--config", office);
    const json = await gantry("schedule", "savings", "--config", office, "--json");

    expect(text.stdout).toContain("on 50 h, off 118 h of 168 h a week");
    expect(text.stdout).toContain("30.44-day average month");
    expect(text.stdout).toContain("instances tagged gantry:schedule=office-hours: 70.2 % saved, $5.48 a week, $23.81 a month");
    const report = lastLine(json.stdout) as { schedules: { hoursPerWeek: unknown; targets: { percentSaved: number; perMonth?: { saved: number } }[] }[] };
    expect(report.schedules[0]?.hoursPerWeek).toEqual({ on: 50, off: 118 });
    expect(report.schedules[0]?.targets.map((target) => [target.percentSaved, target.perMonth?.saved])).toEqual([
      [70.2, 23.81],
      [70.2, 95.24],
    ]);
  });
});
