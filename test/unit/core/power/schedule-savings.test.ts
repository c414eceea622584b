import { describe, expect, it } from "vitest";
import { parseConfig } from "../../../../functions/core/config/config.js";
import { scheduleSchema } from "../../../../functions/core/power/schedule-config.js";
import { savings, weeklyHours } from "../../../../functions/core/power/schedule-savings.js";
import example from "../../../../gantry.config.js";

const office = parseConfig(example).schedules?.["office-hours"];
if (!office) throw new Error("the example configuration has no office-hours schedule");

describe("weeklyHours", () => {
  it("counts 50 of 168 hours on for 08:00–18:00 on five days", () => {
    expect(weeklyHours(office)).toEqual({ on: 50, off: 118 });
  });

  it("counts half hours and explicit day lists", () => {
    const short = scheduleSchema.parse({
      timezone: "Europe/London",
      workWeek: ["MON", "WED"],
      on: "09:30",
      off: "12:00",
      targets: [{ autoScalingGroup: "dev" }],
    });

    expect(weeklyHours(short)).toEqual({ on: 5, off: 163 });
  });
});

describe("savings", () => {
  it("saves 70.2 % of a t2.medium at $0.0464/h: $5.48 a week, $23.81 in a 30.44-day month", () => {
    const [jumpbox] = savings(office);

    expect(jumpbox).toEqual({
      target: "instances tagged gantry:schedule=office-hours",
      hourlyPrice: 0.0464,
      percentSaved: 70.2,
      perWeek: { alwaysOn: 7.8, scheduled: 2.32, saved: 5.48 },
      perMonth: { alwaysOn: 33.9, scheduled: 10.09, saved: 23.81 },
    });
  });

  it("gives the share saved but no money for a target without an hourly price", () => {
    const unpriced = scheduleSchema.parse({ timezone: "Asia/Jerusalem", on: "08:00", off: "18:00", targets: [{ autoScalingGroup: "dev" }] });

    expect(savings(unpriced)).toEqual([{ target: "group dev", percentSaved: 70.2 }]);
  });
});
