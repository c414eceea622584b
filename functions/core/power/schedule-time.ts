/**
 * Wall-clock arithmetic in an IANA timezone, on the runtime's Intl (full ICU in Node 20).
 *
 * Why Intl and not croner: croner answers "when does this cron pattern next fire", but a plan
 * needs the other direction too — "which instants show 08:00 on 27 March in Jerusalem": none,
 * one or two — to follow EventBridge Scheduler's rules for skipped and repeated hours exactly.
 * Intl gives the offset of any instant; the few lines below turn that into both directions.
 * croner is still used by the tests to check the cron expressions against these answers.
 */

const HOUR = 3_600_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timezone: string): Intl.DateTimeFormat {
  let format = formatters.get(timezone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone: timezone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formatters.set(timezone, format);
  }
  return format;
}

/** A date on the local calendar, `YYYY-MM-DD`, with its weekday (0 = Sunday). */
export interface LocalDate {
  date: string;
  weekday: number;
}

/** The local calendar date and wall time of an instant: `{ date: "2026-03-27", time: "03:00" }`. */
export function localParts(timezone: string, at: Date): { date: string; time: string } {
  const parts = Object.fromEntries(
    formatter(timezone)
      .formatToParts(at)
      .map((part) => [part.type, part.value]),
  );
  return { date: `${parts.year}-${parts.month}-${parts.day}`, time: `${parts.hour}:${parts.minute}` };
}

/** Minutes the zone is ahead of UTC at an instant (+180 for Jerusalem in summer). */
export function offsetMinutes(timezone: string, at: Date): number {
  const { date, time } = localParts(timezone, at);
  const seconds = at.getUTCSeconds() * 1000 + at.getUTCMilliseconds();
  return Math.round((Date.parse(`${date}T${time}:00Z`) + seconds - at.getTime()) / 60_000);
}

/**
 * Every instant at which the wall clock reads `time` on `date`, earliest first: none in a
 * spring-forward gap, two in a fall-back overlap, otherwise one. Assumes at most one offset
 * change within 12 hours of the wall time, which holds for every zone in the tz database.
 */
export function instantsOf(timezone: string, date: string, time: string): Date[] {
  const wall = Date.parse(`${date}T${time}:00Z`);
  const offsets = new Set([offsetMinutes(timezone, new Date(wall - 12 * HOUR)), offsetMinutes(timezone, new Date(wall + 12 * HOUR))]);
  const found = [...offsets]
    .map((offset) => new Date(wall - offset * 60_000))
    .filter((instant) => {
      const local = localParts(timezone, instant);
      return local.date === date && local.time === time;
    });
  return found.sort((a, b) => a.getTime() - b.getTime());
}

/** The next calendar date: `2026-03-31` → `2026-04-01`. */
export function nextDate(date: string, days = 1): LocalDate {
  const next = new Date(Date.parse(`${date}T00:00:00Z`) + days * 24 * HOUR);
  return { date: next.toISOString().slice(0, 10), weekday: next.getUTCDay() };
}

/** The local calendar dates from the one containing `from` to the one containing `to`, inclusive. */
export function localDates(timezone: string, from: Date, to: Date): LocalDate[] {
  const last = localParts(timezone, to).date;
  const dates: LocalDate[] = [];
  for (let day = nextDate(localParts(timezone, from).date, 0); day.date <= last; day = nextDate(day.date)) dates.push(day);
  return dates;
}

/**
 * The change of offset on a local date, if the clocks change that day: the offsets at the
 * day's first and last minute differ. `{ from: 120, to: 180 }` on Jerusalem's spring-forward day.
 */
export function offsetChange(timezone: string, date: string): { from: number; to: number } | undefined {
  const start = Date.parse(`${date}T00:00:00Z`);
  const before = offsetMinutes(timezone, new Date(start - offsetMinutes(timezone, new Date(start)) * 60_000));
  const end = start + 24 * HOUR - 60_000;
  const after = offsetMinutes(timezone, new Date(end - offsetMinutes(timezone, new Date(end)) * 60_000));
  return before === after ? undefined : { from: before, to: after };
}

/** `+03:00` for 180 minutes. */
export function formatOffset(minutes: number): string {
  const sign = minutes < 0 ? "-" : "+";
  const absolute = Math.abs(minutes);
  return `${sign}${String(Math.floor(absolute / 60)).padStart(2, "0")}:${String(absolute % 60).padStart(2, "0")}`;
}
