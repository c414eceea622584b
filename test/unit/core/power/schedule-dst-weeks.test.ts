import { describe, expect, it } from "vitest";
import { scheduleSchema, type ScheduleInput } from "../../../../functions/core/power/schedule-config.js";
import { isOn, transitions } from "../../../../functions/core/power/schedule.js";

function schedule(overrides: Partial<ScheduleInput>) {
  return scheduleSchema.parse({ on: "08:00", off: "18:00", targets: [{ tag: "gantry:schedule=office-hours" }], ...overrides });
}

const starts = (timezone: string, workWeek: "SUN-THU" | "MON-FRI", from: string, days: number, holidays: string[] = []) =>
  transitions(schedule({ timezone, workWeek, holidays }), new Date(from), new Date(new Date(from).getTime() + days * 86_400_000))
    .filter((step) => step.action === "start")
    .map((step) => `${step.weekday} ${step.at.toISOString().slice(0, 16)}${step.dstChange ? " dst" : ""}${step.skippedHoliday ? " holiday" : ""}`);

describe("work weeks across the clock changes of 2026", () => {
  it.each([
    // Sunday–Thursday weeks: in New York and London the clocks change on a Sunday, a work day.
    ["America/New_York", "SUN-THU", "2026-03-05T00:00:00Z", ["THU 2026-03-05T13:00", "SUN 2026-03-08T12:00 dst", "MON 2026-03-09T12:00"]],
    ["America/New_York", "SUN-THU", "2026-10-29T00:00:00Z", ["THU 2026-10-29T12:00", "SUN 2026-11-01T13:00 dst", "MON 2026-11-02T13:00"]],
    ["Europe/London", "SUN-THU", "2026-03-26T00:00:00Z", ["THU 2026-03-26T08:00", "SUN 2026-03-29T07:00 dst", "MON 2026-03-30T07:00"]],
    ["Europe/London", "SUN-THU", "2026-10-22T00:00:00Z", ["THU 2026-10-22T07:00", "SUN 2026-10-25T08:00 dst", "MON 2026-10-26T08:00"]],
    // Monday–Friday in Jerusalem: the spring change is on a Friday, a work day; the autumn one on a Sunday, not.
    ["Asia/Jerusalem", "MON-FRI", "2026-03-26T00:00:00Z", ["THU 2026-03-26T06:00", "FRI 2026-03-27T05:00 dst", "MON 2026-03-30T05:00"]],
    ["Asia/Jerusalem", "MON-FRI", "2026-10-23T00:00:00Z", ["FRI 2026-10-23T05:00", "MON 2026-10-26T06:00", "TUE 2026-10-27T06:00"]],
  ] as const)("starts at 08:00 local in %s on a %s week (from %s)", (timezone, week, from, expected) => {
    expect(starts(timezone, week, from, 4.9)).toEqual(expected);
  });

  it.each([
    ["America/New_York", "SUN-THU", "2026-03-08"],
    ["Europe/London", "MON-FRI", "2026-03-30"],
    ["Asia/Jerusalem", "MON-FRI", "2026-03-27"],
  ] as const)("skips the start of a holiday that falls on a DST day or right after one in %s (%s, %s)", (timezone, week, holiday) => {
    const listed = starts(timezone, week, `${holiday}T00:00:00Z`, 1, [holiday]);
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatch(/ holiday$/);
    const noon = transitions(
      schedule({ timezone, workWeek: week, holidays: [holiday] }),
      new Date(`${holiday}T00:00:00Z`),
      new Date(`${holiday}T23:00:00Z`),
    )[0]!.at;
    // Four hours after the start that did not run, the targets are still off.
    expect(isOn(schedule({ timezone, workWeek: week, holidays: [holiday] }), new Date(noon.getTime() + 4 * 3_600_000))).toBe(false);
    expect(isOn(schedule({ timezone, workWeek: week }), new Date(noon.getTime() + 4 * 3_600_000))).toBe(true);
  });

  it("is off all weekend in every zone: Friday and Saturday for SUN-THU, Saturday and Sunday for MON-FRI", () => {
    expect(isOn(schedule({ timezone: "Asia/Jerusalem", workWeek: "SUN-THU" }), new Date("2026-03-27T09:00:00Z"))).toBe(false);
    expect(isOn(schedule({ timezone: "America/New_York", workWeek: "SUN-THU" }), new Date("2026-03-13T15:00:00Z"))).toBe(false);
    expect(isOn(schedule({ timezone: "America/New_York", workWeek: "MON-FRI" }), new Date("2026-03-13T15:00:00Z"))).toBe(true);
    expect(isOn(schedule({ timezone: "Europe/London", workWeek: "MON-FRI" }), new Date("2026-03-29T12:00:00Z"))).toBe(false);
  });
});
