import { describe, expect, it } from "vitest";
import { InvalidScheduleWindowError } from "../../../../functions/core/errors.js";
import { scheduleSchema, type ScheduleInput } from "../../../../functions/core/power/schedule-config.js";
import { isOn, localTime, transitions } from "../../../../functions/core/power/schedule.js";

function schedule(overrides: Partial<ScheduleInput> = {}) {
  return scheduleSchema.parse({
    timezone: "Asia/Jerusalem",
    workWeek: "SUN-THU",
    on: "08:00",
    off: "18:00",
    targets: [{ tag: "gantry:schedule=office-hours" }],
    ...overrides,
  });
}

const at = (iso: string) => new Date(iso);
const summary = (list: ReturnType<typeof transitions>) =>
  list.map(
    (step) =>
      `${step.weekday} ${step.local} ${step.action} ${step.at.toISOString().slice(0, 16)}${step.dstChange ? " dst" : ""}${step.skippedHoliday ? " holiday" : ""}`,
  );

describe("transitions", () => {
  it("starts and stops a Sunday–Thursday week in Jerusalem across the spring-forward Friday, 27 March 2026", () => {
    const office = schedule();

    const steps = transitions(office, at("2026-03-25T22:00:00Z"), at("2026-03-29T22:00:00Z"));

    // Thursday at +02:00, the clocks change on Friday (no work), Sunday at +03:00.
    expect(summary(steps)).toEqual([
      "THU 2026-03-26 08:00 start 2026-03-26T06:00",
      "THU 2026-03-26 18:00 stop 2026-03-26T16:00",
      "SUN 2026-03-29 08:00 start 2026-03-29T05:00",
      "SUN 2026-03-29 18:00 stop 2026-03-29T15:00",
    ]);
  });

  it("flags the fall-back Sunday, 25 October 2026, when that day is a work day in Jerusalem", () => {
    const steps = transitions(schedule(), at("2026-10-24T21:00:00Z"), at("2026-10-25T22:00:00Z"));

    expect(summary(steps)).toEqual(["SUN 2026-10-25 08:00 start 2026-10-25T06:00 dst", "SUN 2026-10-25 18:00 stop 2026-10-25T16:00 dst"]);
  });

  it.each([
    ["America/New_York", "2026-03-06T00:00:00Z", ["FRI 2026-03-06 08:00 start 2026-03-06T13:00", "MON 2026-03-09 08:00 start 2026-03-09T12:00"]],
    ["America/New_York", "2026-10-30T00:00:00Z", ["FRI 2026-10-30 08:00 start 2026-10-30T12:00", "MON 2026-11-02 08:00 start 2026-11-02T13:00"]],
    ["Europe/London", "2026-03-27T00:00:00Z", ["FRI 2026-03-27 08:00 start 2026-03-27T08:00", "MON 2026-03-30 08:00 start 2026-03-30T07:00"]],
    ["Europe/London", "2026-10-23T00:00:00Z", ["FRI 2026-10-23 08:00 start 2026-10-23T07:00", "MON 2026-10-26 08:00 start 2026-10-26T08:00"]],
  ])("keeps 08:00 local on a Monday–Friday week in %s across the weekend the clocks change (from %s)", (timezone, from, expected) => {
    const weekdays = schedule({ timezone, workWeek: "MON-FRI" });

    const starts = transitions(weekdays, at(from), new Date(at(from).getTime() + 4 * 86_400_000)).filter((step) => step.action === "start");

    expect(summary(starts)).toEqual(expected);
  });

  it("does not start at all when the on time falls in the hour skipped on the spring-forward day, as EventBridge Scheduler does", () => {
    const early = schedule({ on: "02:30", off: "04:00", workWeek: ["THU", "FRI", "SAT"] });

    const steps = transitions(early, at("2026-03-25T22:00:00Z"), at("2026-03-28T22:00:00Z"));

    expect(summary(steps)).toEqual([
      "THU 2026-03-26 02:30 start 2026-03-26T00:30",
      "THU 2026-03-26 04:00 stop 2026-03-26T02:00",
      "FRI 2026-03-27 04:00 stop 2026-03-27T01:00 dst",
      "SAT 2026-03-28 02:30 start 2026-03-27T23:30",
      "SAT 2026-03-28 04:00 stop 2026-03-28T01:00",
    ]);
    expect(isOn(early, at("2026-03-27T00:30:00Z"))).toBe(false);
  });

  it("runs a repeated fall-back time once, at its first occurrence", () => {
    const night = schedule({ on: "01:30", off: "05:00", workWeek: ["SUN"] });

    const starts = transitions(night, at("2026-10-24T12:00:00Z"), at("2026-10-25T12:00:00Z")).filter((step) => step.action === "start");

    // 01:30 happens at 22:30Z (+03:00) and again at 23:30Z (+02:00); only the first runs.
    expect(summary(starts)).toEqual(["SUN 2026-10-25 01:30 start 2026-10-24T22:30 dst"]);
  });

  it("lists a holiday's start as skipped and still stops that evening", () => {
    const office = schedule({ holidays: ["2026-04-02"] });

    const steps = transitions(office, at("2026-04-01T21:00:00Z"), at("2026-04-02T21:00:00Z"));

    expect(summary(steps)).toEqual(["THU 2026-04-02 08:00 start 2026-04-02T05:00 holiday", "THU 2026-04-02 18:00 stop 2026-04-02T15:00"]);
  });

  it("rejects a window that ends before it starts", () => {
    expect(() => transitions(schedule(), at("2026-03-02T00:00:00Z"), at("2026-03-01T00:00:00Z"))).toThrow(InvalidScheduleWindowError);
  });
});

describe("isOn", () => {
  const office = schedule({ holidays: ["2026-04-02"] });

  it.each([
    ["2026-03-26T05:59:00Z", false, "07:59 on a Thursday"],
    ["2026-03-26T06:00:00Z", true, "08:00 on a Thursday"],
    ["2026-03-26T15:59:00Z", true, "17:59 on a Thursday"],
    ["2026-03-26T16:00:00Z", false, "18:00 on a Thursday"],
    ["2026-03-27T09:00:00Z", false, "noon on the spring-forward Friday"],
    ["2026-03-29T04:59:00Z", false, "07:59 on the first Sunday in summer time"],
    ["2026-03-29T05:00:00Z", true, "08:00 on the first Sunday in summer time"],
    ["2026-04-02T09:00:00Z", false, "noon on a holiday"],
    ["2026-10-25T05:59:00Z", false, "07:59 on the fall-back Sunday"],
    ["2026-10-25T06:00:00Z", true, "08:00 on the fall-back Sunday"],
  ])("at %s is %s (%s in Jerusalem)", (instant, expected) => {
    expect(isOn(office, at(instant))).toBe(expected);
  });

  it("reads instants in the schedule's timezone", () => {
    expect(localTime(office, at("2026-03-29T05:00:00Z"))).toBe("2026-03-29 08:00");
  });
});
