import type { Command } from "commander";
import { loadCommand } from "../lifecycle.js";
import { wholeNumber } from "../flags.js";
import { UsageError } from "../output.js";
import { registerScheduleRun } from "./schedule-run.js";

export interface ScheduleOptions {
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
    .option("--days <n>", "how many days to list (1-366)", wholeNumber(1, 366), 7)
    .option("--config <path>", "the gantry configuration", "gantry.config.ts")
    .option("--json", "print the plan as JSON on the last line")
    .action(async (options: ScheduleOptions & { from?: string; days: number }) => {
      const from = options.from ?? new Date().toISOString().slice(0, 10);
      if (!/^\d{4}-\d{2}-\d{2}$/.test(from) || Number.isNaN(Date.parse(`${from}T00:00:00Z`))) {
        throw new UsageError(`--from "${from}" is not a date: write it YYYY-MM-DD, e.g. --from 2026-03-23.`);
      }
      await (await loadCommand(() => import("../run/schedule.js"))).planSchedules(from, options.days, options);
    });

  schedule
    .command("savings")
    .description("hours on and off per week and per month (an average month of the Gregorian year), and the money saved per target")
    .option("--config <path>", "the gantry configuration", "gantry.config.ts")
    .option("--json", "print the figures as JSON on the last line")
    .action(async (options: ScheduleOptions) => {
      await (await loadCommand(() => import("../run/schedule.js"))).scheduleSavings(options);
    });

  registerScheduleRun(schedule);
}
