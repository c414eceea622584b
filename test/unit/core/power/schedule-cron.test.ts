import { Cron } from "croner";
import { describe, expect, it } from "vitest";
import { scheduleSchema, type ScheduleInput } from "../../../../functions/core/power/schedule-config.js";
import { schedulerExpressions } from "../../../../functions/core/power/schedule-cron.js";
import { transitions } from "../../../../functions/core/power/schedule.js";

function schedule(overrides: Partial<ScheduleInput> = {}) {
  return scheduleSchema.parse({
    timezone: "Asia/Jerusalem",
    workWeek: "SUN-THU",
    on: "08:00",
    off: "18:00",
    targets: [{ autoScalingGroup: "dev" }],
    ...overrides,
  });
}

/** Scheduler's `cron(m h dom mon dow year)` as croner reads it: a seconds field in front. */
function croner(expression: string, timezone: string): Cron {
  const fields = /^cron\((.*)\)$/.exec(expression)?.[1];
  if (!fields) throw new Error(`not a Scheduler cron expression: ${expression}`);
  return new Cron(`0 ${fields}`, { timezone });
}

describe("schedulerExpressions", () => {
  it("puts the Sunday–Thursday week in day-of-week by name with ? in day-of-month", () => {
    expect(schedulerExpressions(schedule())).toEqual({ start: "cron(0 8 ? * SUN-THU *)", stop: "cron(0 18 ? * SUN-THU *)", timezone: "Asia/Jerusalem" });
  });

  it("lists explicit days in week order, comma-separated, and keeps the minutes", () => {
    const expressions = schedulerExpressions(schedule({ workWeek: ["THU", "SUN", "TUE"], on: "07:45", off: "16:30" }));

    expect(expressions.start).toBe("cron(45 7 ? * SUN,TUE,THU *)");
    expect(expressions.stop).toBe("cron(30 16 ? * SUN,TUE,THU *)");
  });

  it("has exactly one ? across the two day fields", () => {
    const { start, stop } = schedulerExpressions(schedule({ workWeek: "MON-FRI" }));
    for (const expression of [start, stop]) {
      const [, , dayOfMonth, , dayOfWeek] = expression.slice(5, -1).split(" ");
      expect([dayOfMonth, dayOfWeek].filter((field) => field === "?")).toHaveLength(1);
    }
  });

  it.each([
    ["Asia/Jerusalem", "SUN-THU", "2026-03-20T00:00:00Z", "2026-04-05T00:00:00Z"],
    ["Asia/Jerusalem", "SUN-THU", "2026-10-18T00:00:00Z", "2026-11-01T00:00:00Z"],
    ["America/New_York", "MON-FRI", "2026-03-01T00:00:00Z", "2026-03-15T00:00:00Z"],
    ["America/New_York", "MON-FRI", "2026-10-25T00:00:00Z", "2026-11-08T00:00:00Z"],
    ["Europe/London", "MON-FRI", "2026-03-22T00:00:00Z", "2026-04-05T00:00:00Z"],
    ["Europe/London", "MON-FRI", "2026-10-18T00:00:00Z", "2026-11-01T00:00:00Z"],
  ] as const)("fires, read by croner in %s (%s), exactly when transitions says, from %s to %s", (timezone, workWeek, from, to) => {
    const office = schedule({ timezone, workWeek, holidays: ["2026-03-25", "2026-10-20"] });
    const expressions = schedulerExpressions(office);
    const planned = transitions(office, new Date(from), new Date(to));

    for (const action of ["start", "stop"] as const) {
      const expected = planned.filter((step) => step.action === action).map((step) => step.at.toISOString());
      const runs = croner(expressions[action], timezone).nextRuns(expected.length + 1, new Date(new Date(from).getTime() - 1));
      const inWindow = runs.filter((run) => run < new Date(to)).map((run) => run.toISOString());
      expect(expected.length).toBeGreaterThan(5);
      expect(inWindow).toEqual(expected);
    }
  });

  it("differs from croner on purpose in the skipped hour: croner runs at 03:00, Scheduler does not run", () => {
    const early = schedule({ on: "02:30", off: "04:00", workWeek: ["FRI"] });
    const from = new Date("2026-03-26T12:00:00Z");

    const cronerRun = croner(schedulerExpressions(early).start, "Asia/Jerusalem").nextRun(from);
    const planned = transitions(early, from, new Date("2026-03-27T12:00:00Z")).filter((step) => step.action === "start");

    expect(cronerRun?.toISOString()).toBe("2026-03-27T00:00:00.000Z");
    expect(planned).toEqual([]);
  });
});
