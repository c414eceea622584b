import * as z from "zod";

/** Day names as EventBridge Scheduler's cron day-of-week field spells them, SUN = 1 … SAT = 7. */
export const DAY_NAMES = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"] as const;
export type DayName = (typeof DAY_NAMES)[number];

/** The two work weeks people name; any other week is an explicit list of days. */
export const WORK_WEEKS = { "MON-FRI": ["MON", "TUE", "WED", "THU", "FRI"], "SUN-THU": ["SUN", "MON", "TUE", "WED", "THU"] } as const satisfies Record<
  string,
  readonly DayName[]
>;

/** True for a timezone the runtime's ICU knows, i.e. one EventBridge Scheduler will accept too. */
export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: name });
    // A bare offset such as "+02:00" formats fine but has no DST rules: Scheduler wants a zone name.
    return /^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)*$/.test(name);
  } catch {
    return false;
  }
}

/** True for a real date on the calendar written `YYYY-MM-DD` (not 2026-02-30). */
export function isCalendarDate(text: string): boolean {
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(text);
}

export const clockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'is not a 24-hour time such as "08:00"');

const dayName = z.string().refine((day): day is DayName => (DAY_NAMES as readonly string[]).includes(day), `is not a day name: use ${DAY_NAMES.join(", ")}`);

export const workWeekSchema = z.union(
  [
    z.literal(Object.keys(WORK_WEEKS) as (keyof typeof WORK_WEEKS)[]),
    z
      .array(dayName)
      .min(1, "is empty: name at least one work day")
      .refine((days) => new Set(days).size === days.length, "is a list that names a day twice"),
  ],
  { error: `is not a work week: use "MON-FRI", "SUN-THU" or a list of days such as ["SUN", "TUE"]` },
);

export const targetSchema = z
  .strictObject({
    /** Instances carrying this tag, written `key=value`, e.g. `gantry:schedule=office-hours`. */
    tag: z
      .string()
      .regex(/^[^=\s]+=[^=]*$/, 'is not a tag filter such as "gantry:schedule=office-hours"')
      .optional(),
    /** An Auto Scaling group, by name: scaled to zero when off, back to its size when on. */
    autoScalingGroup: z.string().min(1, "is empty").max(255, "is longer than 255 characters").optional(),
    /** What the target costs per hour while running, in USD (all its instances together). */
    hourlyPrice: z.number().nonnegative("is negative").optional(),
    /** A Route 53 record pointed at the instance's new address each time it starts. */
    dns: z
      .strictObject({
        hostedZoneId: z.string().regex(/^Z[A-Z0-9]{1,31}$/, 'is not a hosted zone id such as "Z0123456789ABCDEFGHIJ"'),
        recordName: z.string().regex(/^([a-z0-9_-]+\.)+[a-z0-9-]+\.?$/i, 'is not a DNS name such as "jumpbox.example.com"'),
      })
      .optional(),
  })
  .superRefine((target, context) => {
    if (Boolean(target.tag) === Boolean(target.autoScalingGroup)) {
      context.addIssue({ code: "custom", message: "is not one target: give either tag or autoScalingGroup" });
    }
    if (target.dns && !target.tag) {
      context.addIssue({ code: "custom", path: ["dns"], message: "is only for instances found by tag, not for an Auto Scaling group" });
    }
  });

/** One work-hours schedule: when its targets run, in its own timezone. */
export const scheduleSchema = z
  .strictObject({
    /** IANA timezone the times are read in; also passed to Scheduler as ScheduleExpressionTimezone. */
    timezone: z.string().refine(isTimeZone, 'is not an IANA timezone such as "Asia/Jerusalem": check the spelling'),
    workWeek: workWeekSchema.default("MON-FRI"),
    on: clockTime,
    off: clockTime,
    /** Local dates on which the targets do not start. */
    holidays: z.array(z.string().refine(isCalendarDate, 'is not a date written YYYY-MM-DD, such as "2026-04-02"')).default([]),
    targets: z.array(targetSchema).min(1, "is empty: name at least one target"),
  })
  .superRefine((schedule, context) => {
    // Overnight windows would need the stop on the next day; nobody has asked, so refuse clearly.
    if (schedule.off <= schedule.on) {
      context.addIssue({ code: "custom", path: ["off"], message: `is not after on (${schedule.on}): a schedule starts and stops on the same day` });
    }
  });

export type Schedule = z.infer<typeof scheduleSchema>;
export type ScheduleInput = z.input<typeof scheduleSchema>;
export type ScheduleTarget = Schedule["targets"][number];

/** The days a schedule runs on, in week order from Sunday. */
export function workDays(schedule: Pick<Schedule, "workWeek">): DayName[] {
  const days: readonly string[] = typeof schedule.workWeek === "string" ? WORK_WEEKS[schedule.workWeek] : schedule.workWeek;
  return DAY_NAMES.filter((day) => days.includes(day));
}
