import { DAY_NAMES, workDays, type Schedule } from "./schedule-config.js";

/** What EventBridge Scheduler needs to start and stop a schedule's targets. */
export interface SchedulerExpressions {
  /** `cron(0 8 ? * SUN-THU *)`: the on time, on work days. */
  start: string;
  /** `cron(0 18 ? * SUN-THU *)`: the off time, on work days. */
  stop: string;
  /** The IANA timezone to pass as ScheduleExpressionTimezone; the cron is read in it. */
  timezone: string;
}

/**
 * The Scheduler cron expressions for a schedule. Scheduler's six fields are
 * `minutes hours day-of-month month day-of-week year`; exactly one of the two day fields must be
 * `?`, so day-of-month is `?` and the work days go in day-of-week, by name (Scheduler numbers
 * them SUN = 1 … SAT = 7, unlike Unix cron's 0 = SUN; names avoid that trap). Holidays are not
 * in the expression: cron cannot list dates of a year, so the power step skips them.
 */
export function schedulerExpressions(schedule: Pick<Schedule, "timezone" | "workWeek" | "on" | "off">): SchedulerExpressions {
  const days = dayOfWeekField(schedule);
  return { start: cronAt(schedule.on, days), stop: cronAt(schedule.off, days), timezone: schedule.timezone };
}

function cronAt(time: string, days: string): string {
  const [hours, minutes] = time.split(":").map(Number);
  return `cron(${minutes} ${hours} ? * ${days} *)`;
}

function dayOfWeekField(schedule: Pick<Schedule, "workWeek">): string {
  if (typeof schedule.workWeek === "string") return schedule.workWeek;
  const days = workDays(schedule);
  // Seven days would read better as `*`, but then day-of-month must stay `?`, which Scheduler allows.
  return days.length === DAY_NAMES.length ? "*" : days.join(",");
}
