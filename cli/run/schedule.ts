import { loadConfigFile } from "../../functions/config/load.js";
import type { GantryConfig } from "../../functions/core/config/config.js";
import type { Schedule } from "../../functions/core/power/schedule-config.js";
import { schedulerExpressions } from "../../functions/core/power/schedule-cron.js";
import { MONTH_DAYS, savings, weeklyHours } from "../../functions/core/power/schedule-savings.js";
import { instantsOf, localDates, offsetChange, formatOffset, nextDate } from "../../functions/core/power/schedule-time.js";
import { transitions } from "../../functions/core/power/schedule.js";
import type { ScheduleOptions } from "../commands/schedule.js";
import { UsageError, line, paint, printJson } from "../output.js";

/** `gantry schedule plan`: the next starts and stops of every schedule. */
export async function planSchedules(from: string, days: number, options: ScheduleOptions): Promise<void> {
  const plans = Object.entries(await schedulesOf(options.config)).map(([name, settings]) => planOf(name, settings, from, days));
  if (options.json) return printJson({ from, days, schedules: plans });
  for (const plan of plans) printPlan(plan);
}

/** `gantry schedule savings`: hours on and off, and the money saved per target. */
export async function scheduleSavings(options: ScheduleOptions): Promise<void> {
  const report = Object.entries(await schedulesOf(options.config)).map(([name, settings]) => {
    const week = weeklyHours(settings);
    const month = { on: round((week.on * MONTH_DAYS) / 7), off: round((week.off * MONTH_DAYS) / 7) };
    return { schedule: name, hoursPerWeek: week, hoursPerMonth: month, monthDays: MONTH_DAYS, targets: savings(settings) };
  });
  if (options.json) return printJson({ schedules: report });
  for (const entry of report) {
    line(paint("bold", entry.schedule));
    line(
      `  on ${entry.hoursPerWeek.on} h, off ${entry.hoursPerWeek.off} h of 168 h a week; on ${entry.hoursPerMonth.on} h, off ${entry.hoursPerMonth.off} h a month (${MONTH_DAYS}-day average month)`,
    );
    for (const target of entry.targets) {
      const money =
        target.perWeek && target.perMonth
          ? `$${target.perWeek.saved.toFixed(2)} a week, $${target.perMonth.saved.toFixed(2)} a month (of $${target.perMonth.alwaysOn.toFixed(2)} always on, at $${target.hourlyPrice}/h)`
          : "no hourlyPrice configured: add one to see money";
      line(`  ${target.target}: ${target.percentSaved} % saved, ${money}`);
    }
  }
  line(paint("dim", "Nominal weeks: holidays save more; a DST day adds or loses an hour."));
}

async function schedulesOf(path: string): Promise<Record<string, Schedule>> {
  const config: GantryConfig = await loadConfigFile(path);
  const schedules = config.schedules ?? {};
  if (Object.keys(schedules).length === 0) {
    throw new UsageError(`${path} has no schedules: add a "schedules" section (see gantry.config.ts for an example).`);
  }
  return schedules;
}

function planOf(name: string, schedule: Schedule, from: string, days: number) {
  // The window is whole local days in the schedule's own timezone; a day starting in a DST gap
  // (some zones change at midnight) starts at its first existing instant.
  const start = firstInstant(schedule.timezone, from);
  const end = firstInstant(schedule.timezone, nextDate(from, days).date);
  const dstChanges = localDates(schedule.timezone, start, new Date(end.getTime() - 1)).flatMap((day) => {
    const change = offsetChange(schedule.timezone, day.date);
    return change ? [{ date: day.date, from: formatOffset(change.from), to: formatOffset(change.to) }] : [];
  });
  const steps = transitions(schedule, start, end).map((step) => ({ ...step, at: step.at.toISOString() }));
  return { schedule: name, ...schedulerExpressions(schedule), on: schedule.on, off: schedule.off, transitions: steps, dstChanges };
}

function firstInstant(timezone: string, date: string): Date {
  for (let minute = 0; minute < 24 * 60; minute += 15) {
    const time = `${String(Math.floor(minute / 60)).padStart(2, "0")}:${String(minute % 60).padStart(2, "0")}`;
    const found = instantsOf(timezone, date, time)[0];
    if (found) return found;
  }
  throw new UsageError(`No instant of ${date} exists in ${timezone}.`);
}

function printPlan(plan: ReturnType<typeof planOf>): void {
  line(paint("bold", `${plan.schedule}`) + ` (${plan.timezone}): start ${plan.start}, stop ${plan.stop}`);
  for (const step of plan.transitions) {
    const action = step.skippedHoliday ? paint("dim", `${step.action} skipped: holiday`) : paint(step.action === "start" ? "green" : "yellow", step.action);
    const utc = `${step.at.slice(0, 10)} ${step.at.slice(11, 16)} UTC`;
    line(`  ${step.weekday} ${step.local}  ${utc}  ${action}${step.dstChange ? paint("yellow", "  (clocks change this day)") : ""}`);
  }
  for (const change of plan.dstChanges) {
    const skipped = [plan.on, plan.off].filter((time) => instantsOf(plan.timezone, change.date, time).length === 0);
    const note = skipped.length > 0 ? `; ${skipped.join(" and ")} does not exist that day, so Scheduler does not run it` : "";
    line(paint("yellow", `  DST: on ${change.date} the offset changes ${change.from} → ${change.to}${note}`));
  }
  if (plan.transitions.length === 0) line(paint("dim", "  no starts or stops in this window"));
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
