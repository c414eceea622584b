import * as z from "zod";
import { clockTime, isCalendarDate, isTimeZone, workWeekSchema } from "../power/schedule-config.js";

/** A freeze longer than a year is more likely a mistyped year than a plan. */
const MAX_FREEZE_DAYS = 366;

const calendarDate = z.string().refine(isCalendarDate, 'is not a date written YYYY-MM-DD, such as "2026-12-24"');

/** Days on which nothing deploys, with the reason people will read while their push waits. */
const freezeSchema = z
  .strictObject({
    from: calendarDate,
    /** The last frozen day, inclusive; a freeze of one day leaves it out. */
    to: calendarDate.optional(),
    reason: z.string().trim().min(1, 'is empty: say why deploys are frozen, e.g. "Christmas"'),
  })
  .superRefine((freeze, context) => {
    if (freeze.to === undefined || !isCalendarDate(freeze.from) || !isCalendarDate(freeze.to)) return;
    const days = (Date.parse(`${freeze.to}T00:00:00Z`) - Date.parse(`${freeze.from}T00:00:00Z`)) / 86_400_000;
    if (days < 0) context.addIssue({ code: "custom", path: ["to"], message: `is before from (${freeze.from}): a freeze ends on or after the day it starts` });
    if (days >= MAX_FREEZE_DAYS)
      context.addIssue({ code: "custom", path: ["to"], message: `is more than ${MAX_FREEZE_DAYS} days after from (${freeze.from}): check the year` });
  });

/**
 * When a push may roll out: the work week and hours in a timezone, minus holidays and freezes.
 * The words are the work-hours schedules' (schedule-config.ts), and so is the calendar that
 * reads them (deploy-window.ts), DST rules included.
 */
export const deployWindowSchema = z.strictObject({
  /** IANA timezone the hours and dates are read in. */
  timezone: z.string().refine(isTimeZone, 'is not an IANA timezone such as "Europe/Berlin": check the spelling'),
  workWeek: workWeekSchema.default("MON-FRI"),
  /** Deploys start from `from` and not at or after `to`, local time, on work days. */
  hours: z.strictObject({ from: clockTime, to: clockTime }).superRefine((hours, context) => {
    // An overnight window would belong to two local days; the calendar keeps one day per window.
    if (hours.to <= hours.from)
      context.addIssue({ code: "custom", path: ["to"], message: `is not after from (${hours.from}): a deploy window opens and closes on the same day` });
  }),
  /** Local dates with no deploys, e.g. public holidays. */
  holidays: z.array(calendarDate).default([]),
  freezes: z.array(freezeSchema).default([]),
  /** What a push outside the window does: wait in the queue until it opens, or fail at once. */
  outside: z.enum(["wait", "refuse"], { error: 'is not "wait" or "refuse"' }).default("wait"),
});

export type DeployWindow = z.infer<typeof deployWindowSchema>;
export type DeployWindowInput = z.input<typeof deployWindowSchema>;
export type Freeze = DeployWindow["freezes"][number];
