import * as z from "zod";
import { maxAgeProblem } from "./cycle-age.js";
import { batchStepProblem, maxBatchesPerRunSchema } from "../config/input.js";
import { isTimeZone } from "../power/schedule-config.js";

const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

interface Field {
  name: string;
  min: number;
  max: number;
  names?: string[];
}

/** EventBridge Scheduler's six cron fields, in order, with the values each takes. */
const FIELDS: Field[] = [
  { name: "minutes", min: 0, max: 59 },
  { name: "hours", min: 0, max: 23 },
  { name: "day-of-month", min: 1, max: 31 },
  { name: "month", min: 1, max: 12, names: MONTHS },
  { name: "day-of-week", min: 1, max: 7, names: DAYS },
  { name: "year", min: 1970, max: 2199 },
];

function valueOk(text: string, field: Field): boolean {
  if (field.names?.includes(text.toUpperCase())) return true;
  if (!/^\d+$/.test(text)) return false;
  const value = Number(text);
  return value >= field.min && value <= field.max;
}

/** One comma-separated part of a field: `*`, `5`, `1-5`, `0/15`, `MON-FRI`, and the day fields' L, W and #. */
function partOk(part: string, field: Field): boolean {
  if (field.name === "day-of-month" && /^(L|LW|([1-9]|[12]\d|3[01])W)$/.test(part)) return true;
  if (field.name === "day-of-week" && /^([1-7]|SUN|MON|TUE|WED|THU|FRI|SAT)(L|#[1-5])$/i.test(part)) return true;
  const [base = "", step, extra] = part.split("/");
  if (extra !== undefined || (step !== undefined && !/^[1-9]\d*$/.test(step))) return false;
  if (base === "*") return true;
  const [from = "", to, beyond] = base.split("-");
  if (beyond !== undefined) return false;
  return valueOk(from, field) && (to === undefined || valueOk(to, field));
}

/**
 * Why `expression` is not an EventBridge Scheduler cron expression, or undefined if it is:
 * `cron(minutes hours day-of-month month day-of-week year)`, `?` in exactly one of the two day
 * fields, day-of-week 1–7 (SUN = 1) or SUN–SAT. Scheduler refuses such a schedule at creation,
 * so gantry refuses the config first, naming what to change.
 */
export function schedulerCronProblem(expression: string): string | undefined {
  const inner = /^cron\((.*)\)$/.exec(expression.trim())?.[1];
  if (inner === undefined) return 'is not a Scheduler cron expression such as "cron(0 3 ? * SUN *)"';
  const fields = inner.trim().split(/\s+/);
  if (fields.length !== 6) {
    return `is not 6 fields (it has ${fields.length}): Scheduler's cron is "minutes hours day-of-month month day-of-week year", e.g. "cron(0 3 ? * SUN *)"`;
  }
  const [, , dayOfMonth, , dayOfWeek] = fields;
  if ((dayOfMonth === "?") === (dayOfWeek === "?")) {
    return 'is not valid: Scheduler needs "?" in exactly one of day-of-month and day-of-week (the 3rd and 5th fields), e.g. "cron(0 3 ? * SUN *)"';
  }
  for (const [index, text] of fields.entries()) {
    const field = FIELDS[index] as Field;
    if (text === "?" && (field.name === "day-of-month" || field.name === "day-of-week")) continue;
    if (!text.split(",").every((part) => partOk(part, field))) {
      const names = field.names ? ` or ${field.names[0]}–${field.names.at(-1)}` : "";
      const hint = field.name === "day-of-week" ? " (Scheduler counts SUN = 1 … SAT = 7, not Unix cron's 0–6)" : "";
      return `is not valid: its ${field.name} field "${text}" is not ${field.min}–${field.max}${names}${hint}`;
    }
  }
  return undefined;
}

function check(problemOf: (text: string) => string | undefined) {
  return (text: string, context: z.RefinementCtx) => {
    const problem = problemOf(text);
    if (problem) context.addIssue({ code: "custom", message: problem });
  };
}

/** A batch size for cycling: a count of instances, or a share of the group's desired capacity. */
const batchSizeSchema = z.union([z.number(), z.string()], { error: 'is not a count or a percentage such as "25%"' }).superRefine((size, context) => {
  const problem = batchStepProblem(size);
  if (problem) context.addIssue({ code: "custom", message: problem });
});

/** `cycling` of an app/env: replace instances older than maxAge, on a schedule, in batches. */
export const cyclingSchema = z.strictObject({
  /** Instances launched longer ago than this are replaced: "14d", "12h", "90m" (at least 1h). */
  maxAge: z.string().superRefine(check(maxAgeProblem)),
  /** When EventBridge Scheduler starts a cycle run, read in `timezone`. */
  schedule: z.strictObject({
    cron: z.string().superRefine(check(schedulerCronProblem)),
    timezone: z.string().refine(isTimeZone, 'is not an IANA timezone such as "Europe/London": check the spelling'),
  }),
  /** Instances replaced per batch: a count, or a share of the group's desired capacity ("25%"). */
  batchSize: batchSizeSchema.default(1),
  /**
   * At most this many batches per run (default CYCLE_MAX_BATCHES_DEFAULT, 24): a run must fit the
   * deploy machine's 12 h timeout and 25,000 history events; the next run replaces what is left.
   */
  maxBatchesPerRun: maxBatchesPerRunSchema.optional(),
});

export type Cycling = z.infer<typeof cyclingSchema>;
export type CyclingInput = z.input<typeof cyclingSchema>;
export type CycleBatchSize = Cycling["batchSize"];
