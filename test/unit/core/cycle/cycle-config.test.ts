import { describe, expect, it } from "vitest";
import { parseConfig } from "../../../../functions/core/config/config.js";
import { ageSeconds, formatAge, maxAgeProblem } from "../../../../functions/core/cycle/cycle-age.js";
import { schedulerCronProblem } from "../../../../functions/core/cycle/cycle-config.js";
import { cycleInputFor } from "../../../../functions/core/cycle/cycle.js";
import example from "../../../../gantry.config.js";
import { rejection } from "../config/config-rejection.js";

const TG = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/web/1";
const PATH = "apps.hello.environments.prod.cycling";

function withCycling(cycling: Record<string, unknown>): unknown {
  return {
    apps: {
      hello: {
        repository: "octo-org/hello",
        environments: {
          prod: { branch: "main", region: "eu-west-1", group: { autoScalingGroupName: "hello-prod", targetGroupArns: [TG] }, cycling },
        },
      },
    },
  };
}

const schedule = { cron: "cron(0 3 ? * SUN *)", timezone: "Europe/London" };

describe("cycling configuration", () => {
  it("accepts the example's cycling of hello/prod and defaults the batch size to 1", () => {
    const parsed = parseConfig(example);
    const minimal = parseConfig(withCycling({ maxAge: "12h", schedule }));

    expect(parsed.apps.hello?.environments.prod?.cycling).toEqual({ maxAge: "14d", schedule, batchSize: 1 });
    expect(minimal.apps.hello?.environments.prod?.cycling?.batchSize).toBe(1);
  });

  it("rejects a maxAge that is not an age, and one under an hour, saying what to write", () => {
    expect(rejection(withCycling({ maxAge: "2 weeks", schedule }))).toContain(`${PATH}.maxAge: "2 weeks" is not an age such as "14d", "12h" or "90m"`);
    expect(rejection(withCycling({ maxAge: "30m", schedule }))).toContain(`${PATH}.maxAge: "30m" is shorter than the minimum of 1h`);
  });

  it("rejects a cron that is not Scheduler's six fields with one '?' day field", () => {
    expect(rejection(withCycling({ maxAge: "14d", schedule: { ...schedule, cron: "0 3 * * 0" } }))).toContain(
      `${PATH}.schedule.cron: "0 3 * * 0" is not a Scheduler cron expression`,
    );
    expect(rejection(withCycling({ maxAge: "14d", schedule: { ...schedule, cron: "cron(0 3 * * 0)" } }))).toContain("is not 6 fields (it has 5)");
    expect(rejection(withCycling({ maxAge: "14d", schedule: { ...schedule, cron: "cron(0 3 * * SUN *)" } }))).toContain(
      'needs "?" in exactly one of day-of-month and day-of-week',
    );
  });

  it("rejects a day-of-week outside 1–7 or SUN–SAT, and a timezone that is not one", () => {
    const message = rejection(withCycling({ maxAge: "14d", schedule: { cron: "cron(0 3 ? * 0 *)", timezone: "London" } }));

    expect(message).toContain(`${PATH}.schedule.cron: "cron(0 3 ? * 0 *)" is not valid: its day-of-week field "0" is not 1–7 or SUN–SAT`);
    expect(message).toContain(`${PATH}.schedule.timezone: "London" is not an IANA timezone`);
  });

  it("takes maxBatchesPerRun into the cycle input only when it is set, and rejects one above 60", () => {
    const limited = parseConfig(withCycling({ maxAge: "14d", schedule, maxBatchesPerRun: 10 }));

    expect(cycleInputFor(limited, "hello", "prod", { source: "schedule" }).cycle).toEqual({ maxAge: "14d", batchSize: 1, maxBatchesPerRun: 10 });
    expect(cycleInputFor(parseConfig(example), "hello", "prod", { source: "schedule" }).cycle).toEqual({ maxAge: "14d", batchSize: 1 });
    expect(rejection(withCycling({ maxAge: "14d", schedule, maxBatchesPerRun: 100 }))).toContain(`${PATH}.maxBatchesPerRun: 100 is above 60`);
  });

  it("rejects a batch size that is neither a count nor a share", () => {
    expect(rejection(withCycling({ maxAge: "14d", schedule, batchSize: 0 }))).toContain(`${PATH}.batchSize: 0 is not a whole number above 0`);
    expect(rejection(withCycling({ maxAge: "14d", schedule, batchSize: "150%" }))).toContain(`${PATH}.batchSize: "150%" is above 100%`);
  });
});

describe("schedulerCronProblem", () => {
  it.each([
    "cron(0 3 ? * SUN *)",
    "cron(30 2 ? * MON-FRI *)",
    "cron(0 4 1 * ? *)",
    "cron(0/15 * ? * 2,4,6 *)",
    "cron(0 3 ? * 1#2 *)",
    "cron(0 3 L * ? 2026-2030)",
  ])("accepts %s", (cron) => {
    expect(schedulerCronProblem(cron)).toBeUndefined();
  });

  it.each([
    ["cron(60 3 ? * SUN *)", "minutes"],
    ["cron(0 24 ? * SUN *)", "hours"],
    ["cron(0 3 ? 13 SUN *)", "month"],
    ["cron(0 3 ? * 8 *)", "day-of-week"],
    ["cron(0 3 ? * SUN 1969)", "year"],
  ])("rejects %s naming its %s field", (cron, field) => {
    expect(schedulerCronProblem(cron)).toContain(`its ${field} field`);
  });
});

describe("instance ages", () => {
  it("reads days, hours and minutes, and writes ages for people", () => {
    expect([ageSeconds("14d"), ageSeconds("12h"), ageSeconds("90m"), ageSeconds("14")]).toEqual([1_209_600, 43_200, 5_400, undefined]);
    expect([formatAge(15 * 86_400 + 3 * 3_600 + 59), formatAge(5 * 3_600 + 20 * 60), formatAge(42 * 60), formatAge(0)]).toEqual([
      "15d 3h",
      "5h 20m",
      "42m",
      "0m",
    ]);
    expect(maxAgeProblem("1h")).toBeUndefined();
    expect(maxAgeProblem("59m")).toMatch(/shorter than the minimum/);
  });
});
