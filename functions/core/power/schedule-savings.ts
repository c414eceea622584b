import { workDays, type Schedule } from "./schedule-config.js";

/** Hours in a week. */
export const WEEK_HOURS = 168;
/** The average Gregorian month, 365.2425 / 12 days, rounded as cloud price pages do. */
export const MONTH_DAYS = 30.44;

/** Hours on and off in a nominal week: no holidays, no DST days (which add or lose an hour). */
export interface WeeklyHours {
  on: number;
  off: number;
}

/** On and off hours per week: work days × (off − on). */
export function weeklyHours(schedule: Pick<Schedule, "workWeek" | "on" | "off">): WeeklyHours {
  const on = (workDays(schedule).length * (minutesOf(schedule.off) - minutesOf(schedule.on))) / 60;
  return { on, off: WEEK_HOURS - on };
}

/** What one target saves by being off outside work hours, compared with running all week. */
export interface TargetSavings {
  target: string;
  hourlyPrice?: number;
  /** Share of the always-on cost saved, in percent, e.g. 70.2. */
  percentSaved: number;
  perWeek?: { alwaysOn: number; scheduled: number; saved: number };
  perMonth?: { alwaysOn: number; scheduled: number; saved: number };
}

/** Savings per target of a schedule; money only for targets with an hourly price. */
export function savings(schedule: Pick<Schedule, "workWeek" | "on" | "off" | "targets">): TargetSavings[] {
  const hours = weeklyHours(schedule);
  const percentSaved = round((hours.off / WEEK_HOURS) * 100, 1);
  return schedule.targets.map((target) => {
    const name = target.tag ? `instances tagged ${target.tag}` : `group ${target.autoScalingGroup ?? ""}`;
    if (target.hourlyPrice === undefined) return { target: name, percentSaved };
    const week = costs(target.hourlyPrice, hours);
    const month = costs(target.hourlyPrice * (MONTH_DAYS / 7), hours);
    return { target: name, hourlyPrice: target.hourlyPrice, percentSaved, perWeek: week, perMonth: month };
  });
}

function costs(price: number, hours: WeeklyHours): { alwaysOn: number; scheduled: number; saved: number } {
  return { alwaysOn: round(price * WEEK_HOURS, 2), scheduled: round(price * hours.on, 2), saved: round(price * hours.off, 2) };
}

function minutesOf(time: string): number {
  const [hours = 0, minutes = 0] = time.split(":").map(Number);
  return hours * 60 + minutes;
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
