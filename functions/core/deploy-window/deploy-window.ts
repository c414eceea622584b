import { DeployWindowNeverOpensError } from "../errors.js";
import { workDays } from "../power/schedule-config.js";
import { isOn, runs, transitions } from "../power/schedule.js";
import { formatOffset, localParts, nextDate, offsetMinutes } from "../power/schedule-time.js";
import type { DeployWindow } from "./deploy-window-config.js";

const DAY = 86_400_000;
/** How far ahead the next opening is looked for: a year and a bit, past any freeze the config allows. */
const HORIZON_DAYS = 400;
/** The calendar is read a month at a time: most openings are found in the first. */
const STEP_DAYS = 31;

/** Whether a deploy may start at an instant, and if not, when it next may and why not now. */
export type DeployWindowOpening =
  | { open: true }
  | {
      open: false;
      /** The instant the window next opens (UTC). */
      opensAt: Date;
      /** The same instant as the window's wall clock reads it: `2026-12-07T09:00+01:00`. */
      opensAtLocal: string;
      /** Why it is closed now, e.g. `outside MON-FRI 09:00–17:00 Europe/Berlin` or `freeze: Christmas 2026-12-24..2026-12-26`. */
      reason: string;
    };

/**
 * Whether the deploy window is open at `now`, or the instant it next opens. The work-hours
 * schedule calendar (power/schedule.ts) decides, with holidays and freeze days as its holidays:
 * the window opens at the hours' start on a work day that is not closed, and closes at their
 * end. Its DST rules hold here too: an opening time that does not exist on a spring-forward
 * day does not open the window that day, and one that happens twice opens it at the first.
 */
export function nextDeployWindowOpening(window: DeployWindow, now: Date): DeployWindowOpening {
  const closures = closedDates(window);
  const calendar = { timezone: window.timezone, workWeek: window.workWeek, on: window.hours.from, off: window.hours.to, holidays: [...closures.keys()] };
  if (isOn(calendar, now)) return { open: true };
  const skipped: string[] = [];
  for (let days = 0; days < HORIZON_DAYS; days += STEP_DAYS) {
    const from = new Date(now.getTime() + days * DAY);
    for (const transition of transitions(calendar, from, new Date(from.getTime() + STEP_DAYS * DAY))) {
      if (transition.action !== "start") continue;
      if (!runs(transition)) {
        skipped.push(closures.get(transition.skippedHoliday as string) as string);
        continue;
      }
      return {
        open: false,
        opensAt: transition.at,
        opensAtLocal: localIso(window.timezone, transition.at),
        reason: reasonClosed(window, closures, now, skipped),
      };
    }
  }
  throw new DeployWindowNeverOpensError(
    `The deploy window (${describeHours(window)}) does not open in the next ${HORIZON_DAYS} days from ${now.toISOString()}: its holidays and freezes cover every work day. Shorten a freeze or check its dates.`,
  );
}

/** The window's hours in words: `MON-FRI 09:00–17:00 Europe/Berlin`. */
export function describeHours(window: Pick<DeployWindow, "workWeek" | "hours" | "timezone">): string {
  const week = typeof window.workWeek === "string" ? window.workWeek : workDays(window).join(",");
  return `${week} ${window.hours.from}–${window.hours.to} ${window.timezone}`;
}

/** An instant on the window's wall clock with its offset: `2026-12-07T09:00+01:00`. */
export function localIso(timezone: string, at: Date): string {
  const { date, time } = localParts(timezone, at);
  return `${date}T${time}${formatOffset(offsetMinutes(timezone, at))}`;
}

/** Every closed local date, with the words that say why: a freeze's reason and span, or "holiday". */
function closedDates(window: DeployWindow): Map<string, string> {
  const closed = new Map<string, string>();
  for (const holiday of window.holidays) closed.set(holiday, `holiday ${holiday}`);
  // Freezes after holidays: a freeze's reason says more than "holiday" on a day both name.
  for (const freeze of window.freezes) {
    const last = freeze.to ?? freeze.from;
    const label = `freeze: ${freeze.reason} ${freeze.from === last ? freeze.from : `${freeze.from}..${last}`}`;
    for (let day = freeze.from; day <= last; day = nextDate(day).date) closed.set(day, label);
  }
  return closed;
}

/** Why the window is closed now, then the closures the wait also passes over. */
function reasonClosed(window: DeployWindow, closures: Map<string, string>, now: Date, skipped: readonly string[]): string {
  const today = closures.get(localParts(window.timezone, now).date);
  const first = today ?? `outside ${describeHours(window)}`;
  const later = [...new Set(skipped)].filter((label) => label !== today);
  return later.length > 0 ? `${first}; then ${later.join("; ")}` : first;
}
