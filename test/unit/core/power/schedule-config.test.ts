import { describe, expect, it } from "vitest";
import { parseConfig } from "../../../../functions/core/config/config.js";
import example from "../../../../gantry.config.js";
import { rejection } from "../config/config-rejection.js";

function withSchedule(overrides: Record<string, unknown>): unknown {
  const schedule = {
    timezone: "Asia/Jerusalem",
    workWeek: "SUN-THU",
    on: "08:00",
    off: "18:00",
    targets: [{ tag: "gantry:schedule=office-hours" }],
    ...overrides,
  };
  return { apps: example.apps, infrastructure: example.infrastructure, schedules: { "office-hours": schedule } };
}

describe("parseConfig, schedules", () => {
  it("accepts the example schedule and a configuration without schedules", () => {
    expect(parseConfig(example).schedules?.["office-hours"]).toMatchObject({
      timezone: "Asia/Jerusalem",
      workWeek: "SUN-THU",
      holidays: ["2026-04-02", "2026-04-08"],
    });
    expect(parseConfig({ apps: example.apps, infrastructure: example.infrastructure }).schedules).toBeUndefined();
  });

  it("defaults the work week to Monday–Friday and holidays to none", () => {
    const parsed = parseConfig(withSchedule({ workWeek: undefined }));

    expect(parsed.schedules?.["office-hours"]).toMatchObject({ workWeek: "MON-FRI", holidays: [] });
  });

  it.each([
    [{ timezone: "Asia/Jerusalme" }, 'schedules.office-hours.timezone: "Asia/Jerusalme" is not an IANA timezone'],
    [{ timezone: "+02:00" }, 'schedules.office-hours.timezone: "+02:00" is not an IANA timezone'],
    [{ on: "8:00" }, 'schedules.office-hours.on: "8:00" is not a 24-hour time such as "08:00"'],
    [{ off: "24:00" }, 'schedules.office-hours.off: "24:00" is not a 24-hour time'],
    [{ on: "18:00", off: "08:00" }, 'schedules.office-hours.off: "08:00" is not after on (18:00)'],
    [{ on: "08:00", off: "08:00" }, 'schedules.office-hours.off: "08:00" is not after on (08:00)'],
    [{ workWeek: ["SUN", "Monday"] }, 'schedules.office-hours.workWeek[1]: "Monday" is not a day name: use SUN, MON'],
    [{ workWeek: ["SUN", "SUN"] }, 'schedules.office-hours.workWeek: ["SUN","SUN"] is a list that names a day twice'],
    [{ holidays: ["2026-02-30"] }, 'schedules.office-hours.holidays[0]: "2026-02-30" is not a date written YYYY-MM-DD'],
    [{ holidays: ["02/04/2026"] }, 'schedules.office-hours.holidays[0]: "02/04/2026" is not a date written YYYY-MM-DD'],
    [{ targets: [] }, "schedules.office-hours.targets: [] is empty: name at least one target"],
    [{ targets: [{ hourlyPrice: 1 }] }, 'schedules.office-hours.targets[0]: {"hourlyPrice":1} is not one target: give either tag or autoScalingGroup'],
    [{ targets: [{ autoScalingGroup: "dev", dns: { hostedZoneId: "Z123", recordName: "a.example.com" } }] }, "schedules.office-hours.targets[0].dns"],
    [{ targets: [{ tag: "gantry:schedule=office-hours", hourlyPrice: -1 }] }, "schedules.office-hours.targets[0].hourlyPrice: -1 is negative"],
  ])("rejects %j with the path and the value", (overrides, expected) => {
    expect(rejection(withSchedule(overrides))).toContain(expected);
  });

  it("rejects a work week that is neither a known name nor a list of days, saying what to write", () => {
    expect(rejection(withSchedule({ workWeek: "MON-THU" }))).toContain(
      'schedules.office-hours.workWeek: "MON-THU" is not a work week: use "MON-FRI", "SUN-THU" or a list of days',
    );
  });
});
