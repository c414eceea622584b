import type { Command } from "commander";
import { loadConfigFile } from "../../functions/config/load.js";
import type { GantryConfig } from "../../functions/core/config.js";
import type { Schedule } from "../../functions/core/schedule-config.js";
import { schedulerExpressions } from "../../functions/core/schedule-cron.js";
import { MONTH_DAYS, savings, weeklyHours } from "../../functions/core/schedule-savings.js";
import { instantsOf, localDates, offsetChange, formatOffset, nextDate } from "../../functions/core/schedule-time.js";
import { transitions } from "../../functions/core/schedule.js";
import { UsageError, line, paint, printJson } from "../output.js";
import { registerScheduleRun } from "./schedule-run.js";

interface CommonOptions {
  config: string;
  json?: boolean;
}

/** `gantry schedule plan|savings|run`: what the work-hours schedules will do, what they save, and a run of one. */
export function registerSchedule(program: Command): void {
  const schedule = program.command("schedule").description("work-hours schedules: when targets start and stop, and what that saves");

  schedule
    .command("plan")
    .description("list the next starts and stops of every schedule, in local time and UTC, with holidays and DST changes")
    .option("--from <date>", "first local day, YYYY-MM-DD (default: today)")
    .option("--days <n>", "how many days to list", "7")
    .option("--config <path>", "the gantry configuration", "gantry.config.ts")
    .option("--json", "print the plan as JSON on the last line")
    .action(async (options: CommonOptions & { from?: string; days: string }) => {
      const from = options.from ?? new Date().toISOString().slice(0, 10);
      if (!/^\d{4}-\d{2}-\d{2}$/.test(from) || Number.isNaN(Date.parse(`${from}T00:00:00Z`))) {
        throw new UsageError(`--from "${from}" is not a date: write it YYYY-MM-DD, e.g. --from 2026-03-23.`);
      }
      const days = Number(options.days);
      if (!Number.isInteger(days) || days < 1 || days > 366) {
        throw new UsageError(`--days "${options.days}" is not a whole number of days from 1 to 366, e.g. --days 7.`);
      }
      const plans = Object.entries(await schedulesOf(options.config)).map(([name, settings]) => planOf(name, settings, from, days));
      if (options.json) return printJson({ from, days, schedules: plans });
      for (const plan of plans) printPlan(plan);
    });

  schedule
    .command("savings")
    .description(`hours on and off per week and per month (a ${MONTH_DAYS}-day average month), and the money saved per target`)
    .option("--config <path>", "the gantry configuration", "gantry.config.ts")
    .option("--json", "print the figures as JSON on the last line")
    .action(async (options: CommonOptions) => {
      const report = Object.entries(await schedulesOf(options.config)).map(([name, settings]) => {
        const week = weeklyHours(settings);
        const month = { on: round((week.on * MONTH_DAYS) / 7), off: round((week.off * MONTH_DAYS) / 7) };
        return { schedule: name, hoursPerWeek: week, hoursPerMonth: month, monthDays: MONTH_DAYS, targets: savings(settings) };
      });
      if (options.json) return printJson({ schedules: report });
      for (const entry of report) {
        line(paint("bold", entry.schedule));
        line(`  on ${entry.hoursPerWeek.on} h, off ${entry.hoursPerWeek.off} h of 168 h a week; on ${entry.hoursPerMonth.on} h, off ${entry.hoursPerMonth.off} h a month (${MONTH_DAYS}-day average month)`);
        for (const target of entry.targets) {
          const money = target.perWeek && target.perMonth
            ? `$${target.perWeek.saved.toFixed(2)} a week, $${target.perMonth.saved.toFixed(2)} a month (of $${target.perMonth.alwaysOn.toFixed(2)} always on, at $${target.hourlyPrice}/h)`
            : "no hourlyPrice configured: add one to see money";
          line(`  ${target.target}: ${target.percentSaved} % saved, ${money}`);
        }
      }
      line(paint("dim", "Nominal weeks: holidays save more; a DST day adds or loses an hour."));
    });

  registerScheduleRun(schedule);
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
