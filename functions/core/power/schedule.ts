import { InvalidScheduleWindowError } from "../errors.js";
import { DAY_NAMES, workDays, type DayName, type Schedule } from "./schedule-config.js";
import { instantsOf, localDates, localParts, offsetChange } from "./schedule-time.js";

/** One start or stop of a schedule, as EventBridge Scheduler would fire it. */
export interface Transition {
  /** The instant it fires (UTC). */
  at: Date;
  action: "start" | "stop";
  /** Wall time in the schedule's timezone, `YYYY-MM-DD HH:mm`. */
  local: string;
  weekday: DayName;
  /** The clocks change on this local day. */
  dstChange?: true;
  /** The start fires but is skipped: this local date is a holiday. */
  skippedHoliday?: string;
}

type Timed = Pick<Schedule, "timezone" | "workWeek" | "on" | "off" | "holidays">;

/**
 * The starts and stops of a schedule with `from <= at < to`, in time order.
 *
 * DST follows EventBridge Scheduler, which evaluates the cron in the schedule's timezone: a wall
 * time that does not exist on a spring-forward day (02:30 in a 02:00 → 03:00 jump) does not
 * fire at all that day, so nothing is listed for it; a wall time that happens twice on a
 * fall-back day fires once, at its first occurrence. On a holiday the start is listed with
 * `skippedHoliday` (the cron fires, the power step does nothing) and the stop runs as usual, so
 * a target someone started by hand is still off at night.
 */
export function transitions(schedule: Timed, from: Date, to: Date): Transition[] {
  if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime()) || to < from) {
    throw new InvalidScheduleWindowError(`The window ${String(from)} → ${String(to)} is not a time range: give a start before the end.`);
  }
  const days = new Set<string>(workDays(schedule));
  const holidays = new Set(schedule.holidays);
  // One local day either side: an instant near midnight UTC can belong to the previous or next local day.
  const first = new Date(from.getTime() - 86_400_000);
  const last = new Date(to.getTime() + 86_400_000);
  const found: Transition[] = [];
  for (const day of localDates(schedule.timezone, first, last)) {
    const weekday = DAY_NAMES[day.weekday] as DayName;
    if (!days.has(weekday)) continue;
    const changes = offsetChange(schedule.timezone, day.date) !== undefined;
    for (const [action, time] of [
      ["start", schedule.on],
      ["stop", schedule.off],
    ] as const) {
      const at = instantsOf(schedule.timezone, day.date, time)[0];
      if (!at || at < from || at >= to) continue;
      found.push({
        at,
        action,
        local: `${day.date} ${time}`,
        weekday,
        ...(changes ? { dstChange: true as const } : {}),
        ...(action === "start" && holidays.has(day.date) ? { skippedHoliday: day.date } : {}),
      });
    }
  }
  return found;
}

/** Whether a transition actually changes power state (a holiday's start does not). */
export function runs(transition: Transition): boolean {
  return transition.skippedHoliday === undefined;
}

/**
 * Whether the schedule's targets are on at an instant: the last transition that ran before it
 * was a start. Reading the past transitions rather than comparing wall times keeps the DST
 * rules in one place: on a day whose start time is skipped, the targets stay off.
 */
export function isOn(schedule: Timed, at: Date): boolean {
  // Two weeks back always reaches a stop: every work week has a work day, and a stop time can be
  // skipped by DST on one day a year at most.
  const past = transitions(schedule, new Date(at.getTime() - 15 * 86_400_000), new Date(at.getTime() + 1)).filter(runs);
  return past.at(-1)?.action === "start";
}

/** The local wall time of an instant in the schedule's timezone, `YYYY-MM-DD HH:mm`. */
export function localTime(schedule: Pick<Schedule, "timezone">, at: Date): string {
  const { date, time } = localParts(schedule.timezone, at);
  return `${date} ${time}`;
}
