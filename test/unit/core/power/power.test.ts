import { describe, expect, it } from "vitest";
import { parseConfig } from "../../../../functions/core/config/config.js";
import { InvalidPowerInputError } from "../../../../functions/core/errors.js";
import {
  decidePower,
  environmentsOfGroup,
  formatSavedSize,
  keepRunning,
  parsePowerInput,
  parseSavedSize,
  splitTag,
} from "../../../../functions/core/power/power.js";

describe("decidePower", () => {
  const office = { timezone: "Asia/Jerusalem", holidays: ["2026-04-02"] };

  it("makes a start on a holiday a no-op, by the local date", () => {
    expect(decidePower(office, "start", new Date("2026-04-02T05:00:00Z"))).toEqual({
      run: false,
      localDate: "2026-04-02",
      reason: "2026-04-02 is a holiday of this schedule (Asia/Jerusalem): nothing started",
    });
  });

  it("reads the holiday in the schedule's timezone, not UTC: 01:00 local is still the day before in UTC", () => {
    expect(decidePower(office, "start", new Date("2026-04-01T22:00:00Z"))).toMatchObject({ run: false, localDate: "2026-04-02" });
    expect(decidePower(office, "start", new Date("2026-04-01T20:00:00Z"))).toEqual({ run: true, localDate: "2026-04-01" });
  });

  it("always runs a stop, holiday or not, so a target started by hand is off at night", () => {
    expect(decidePower(office, "stop", new Date("2026-04-02T15:00:00Z"))).toEqual({ run: true, localDate: "2026-04-02" });
  });

  it.each([
    ["America/New_York", "2026-03-08T12:00:00Z"],
    ["Europe/London", "2026-03-29T07:00:00Z"],
  ])("skips a holiday start on the spring-forward day in %s", (timezone, instant) => {
    expect(decidePower({ timezone, holidays: [instant.slice(0, 10)] }, "start", new Date(instant)).run).toBe(false);
  });
});

describe("keepRunning", () => {
  const stop = new Date("2026-03-24T16:00:00Z");

  it("keeps an instance whose absolute time is later than the stop", () => {
    expect(keepRunning("2026-03-24T21:00:00Z", "Asia/Jerusalem", stop)).toEqual({
      keep: true,
      until: "2026-03-24T21:00:00.000Z",
      reason: "gantry:keep-running-until until 2026-03-24T21:00:00.000Z",
    });
  });

  it("lets an expired override go, and no tag at all", () => {
    expect(keepRunning("2026-03-24T16:00:00Z", "Asia/Jerusalem", stop)).toEqual({ keep: false });
    expect(keepRunning("2026-03-24T18:00:00+03:00", "Asia/Jerusalem", stop)).toEqual({ keep: false });
    expect(keepRunning(undefined, "Asia/Jerusalem", stop)).toEqual({ keep: false });
    expect(keepRunning("  ", "Asia/Jerusalem", stop)).toEqual({ keep: false });
  });

  it.each([
    // Before and after Jerusalem's spring-forward Friday: the same wall time is a different UTC instant.
    ["Asia/Jerusalem", "2026-03-26T21:00", "2026-03-26T19:00:00.000Z"],
    ["Asia/Jerusalem", "2026-03-29T21:00", "2026-03-29T18:00:00.000Z"],
    // In the skipped hour: the first minute that exists after it.
    ["Asia/Jerusalem", "2026-03-27T02:30", "2026-03-27T00:00:00.000Z"],
    ["Europe/London", "2026-03-29T01:30", "2026-03-29T01:00:00.000Z"],
    ["America/New_York", "2026-03-08T02:30", "2026-03-08T07:00:00.000Z"],
    // A repeated hour: its first occurrence, as everywhere else in gantry.
    ["America/New_York", "2026-11-01T01:30", "2026-11-01T05:30:00.000Z"],
    ["Europe/London", "2026-10-25T01:30:00", "2026-10-25T00:30:00.000Z"],
  ])("reads a local time in the schedule's timezone (%s, %s)", (timezone, value, until) => {
    expect(keepRunning(value, timezone, new Date("2026-01-01T00:00:00Z"))).toMatchObject({ keep: true, until });
  });

  it("keeps running, and says what to fix, when the value is not a time", () => {
    const verdict = keepRunning("tomorrow evening", "Europe/London", stop);
    expect(verdict).toMatchObject({ keep: true, until: "tomorrow evening" });
    expect(verdict.keep && verdict.reason).toContain("is not an ISO time such as 2026-03-24T21:00");
    expect(keepRunning("2026-02-30T10:00", "Europe/London", stop).keep).toBe(true);
  });
});

describe("saved group size", () => {
  it("round-trips through the tag value", () => {
    const size = { min: 1, desired: 4, max: 6 };
    expect(formatSavedSize(size)).toBe("min=1 desired=4 max=6");
    expect(parseSavedSize(formatSavedSize(size))).toEqual(size);
  });

  it("rejects values gantry did not write or that are not a size", () => {
    expect(parseSavedSize(undefined)).toBeUndefined();
    expect(parseSavedSize("1/4/6")).toBeUndefined();
    expect(parseSavedSize("min=5 desired=4 max=6")).toBeUndefined();
  });
});

describe("power input and configuration lookups", () => {
  it("accepts what Scheduler passes and an optional ISO time", () => {
    expect(parsePowerInput({ schedule: "office-hours", action: "stop" })).toEqual({ schedule: "office-hours", action: "stop" });
    expect(parsePowerInput({ schedule: "office-hours", action: "start", at: "2026-03-24T08:00:00+02:00" }).at).toBe("2026-03-24T08:00:00+02:00");
  });

  it("rejects a wrong action or time, naming the field", () => {
    expect(() => parsePowerInput({ schedule: "office-hours", action: "reboot" })).toThrow(InvalidPowerInputError);
    expect(() => parsePowerInput({ schedule: "office-hours", action: "reboot" })).toThrow(/action.*"start" or "stop"/);
    expect(() => parsePowerInput({ schedule: "office-hours", action: "start", at: "8am" })).toThrow(/at.*not an ISO time/);
  });

  it("finds the app/envs whose group a schedule names, and splits tag filters at the first =", () => {
    const config = parseConfig({
      apps: {
        hello: {
          repository: "octo-org/hello",
          environments: {
            dev: { branch: "dev", region: "eu-west-1", group: { autoScalingGroupName: "hello-dev", targetGroupArns: ["arn:aws:elasticloadbalancing:x"] } },
          },
        },
      },
    });
    expect(environmentsOfGroup(config, "hello-dev")).toEqual([{ app: "hello", env: "dev" }]);
    expect(environmentsOfGroup(config, "other")).toEqual([]);
    expect(splitTag("gantry:schedule=office-hours")).toEqual({ key: "gantry:schedule", value: "office-hours" });
  });
});
