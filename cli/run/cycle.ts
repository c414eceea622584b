import { loadConfigFile } from "../../functions/config/load.js";
import { ageSeconds, formatAge } from "../../functions/core/cycle/cycle-age.js";
import { describeAged } from "../../functions/core/cycle/cycle.js";
import type { BatchPreview, RolloutPlan } from "../../functions/core/rollout/plan.js";
import type { GroupInstance, LocalCycleResult } from "../../local/local-cycle.js";
import { cliActor } from "../flags.js";
import type { CycleOptions } from "../commands/cycle.js";
import { openLocalDynamo } from "../lifecycle.js";
import { UsageError, line, paint, printJson, statusColour } from "../output.js";
import { progressPrinter } from "../progress.js";

// Each path loads its own code: the SDK clients for AWS, the local cloud and runner for --local.
export async function cycleOnAws(app: string, env: string, options: CycleOptions): Promise<number> {
  return (await import("../aws/cycle.js")).cycleOnAws(app, env, options);
}

/** `gantry cycle <app> <env> --local`: a cycle run on a simulated group, with its preview or outcome. */
export async function cycleHere(app: string, env: string, options: CycleOptions): Promise<number> {
  const config = await loadConfigFile(options.config);
  const ages = parseAges(options.ages, options.instances);
  const startAt = startTime(options.at);
  const [{ prepareLocalCycle }, { fileRequests }] = await Promise.all([import("../../local/local-cycle.js"), import("../../local/operator-requests.js")]);
  await openLocalDynamo();
  const quiet = Boolean(options.json);
  const cycle = prepareLocalCycle({
    config,
    app,
    env,
    instances: options.instances,
    release: options.from,
    ages,
    startAt,
    dryRun: Boolean(options.dryRun),
    actor: cliActor(),
    // Files, not the in-process table: a `gantry abort --local` in another terminal reaches this run.
    operatorRequests: fileRequests(),
    onEvent: progressPrinter({ quiet: quiet || Boolean(options.dryRun) }),
  });
  if (!quiet) {
    line(`• ${app}/${env} locally: ${options.instances} instance(s) on ${options.from}, maxAge ${cycle.maxAge}, batch size ${String(cycle.batchSize)}`);
    if (options.demo) printGroup(cycle.before, cycle.maxAge);
    line();
  }
  const { result, record, plan, after, recordedIn } = await cycle.run();
  if (quiet) {
    printJson(result);
  } else if (options.dryRun && plan?.preview) {
    printPreview(plan.preview, cycle.maxAge);
  } else {
    line();
    if (options.demo) {
      line(paint("bold", "after"));
      printGroup(after, cycle.maxAge);
      line();
    }
    line(paint("bold", "summary"));
    line(`  ${result.ending}: ${describeEnding(result, plan)}`);
    if (result.replaced.length > 0) line(`  replaced: ${result.replaced.map(describeAged).join(", ")}`);
    if (result.launched.length > 0) line(`  launched: ${result.launched.join(", ")} (on ${plan?.release ?? options.from})`);
    line(`  serving never below ${result.minServing} of ${options.instances}; ${result.durationSeconds} s simulated, ${record.historyEvents} history events`);
    if (record.cause) line(`  ${record.cause}`);
    line(`${paint("bold", result.name)}  ${statusColour(record.status)}`);
    line(paint("dim", `recorded in ${recordedIn}; see it again with: gantry history --local ${result.name}`));
  }
  return record.status === "SUCCEEDED" ? 0 : 1;
}

function describeEnding(result: LocalCycleResult, plan: RolloutPlan | undefined): string {
  if (!plan) return "no plan was made";
  if (plan.toReplace === 0) return `no instance is over ${result.maxAge}; ${plan.alreadyOnRelease} kept, nothing changed`;
  const left = plan.toReplace - result.replaced.length;
  if (left > 0) {
    return `${result.replaced.length} instance(s) over ${result.maxAge} replaced on ${plan.release}, ${left} left for the next run; ${plan.alreadyOnRelease} under ${result.maxAge} kept`;
  }
  return `${plan.toReplace} instance(s) over ${result.maxAge} replaced in ${plan.batchCount} batch(es) on ${plan.release}; ${plan.alreadyOnRelease} under ${result.maxAge} kept`;
}

function printPreview(preview: readonly BatchPreview[], maxAge: string): void {
  if (preview.length === 0) {
    line(`nothing to cycle: no instance is over ${maxAge}`);
    return;
  }
  for (const batch of preview) {
    line(paint("bold", `batch ${batch.batch} (${batch.size})`));
    for (const instance of batch.instances ?? []) line(`  ${describeAged(instance)}`);
  }
  line(paint("dim", "dry run: nothing was changed"));
}

function printGroup(instances: GroupInstance[], maxAge: string): void {
  const limit = ageSeconds(maxAge) ?? 0;
  for (const row of [...instances].sort((a, b) => a.zone.localeCompare(b.zone) || b.ageSeconds - a.ageSeconds)) {
    const over = row.ageSeconds > limit;
    line(
      `  ${row.id}  ${row.zone}  ${formatAge(row.ageSeconds).padEnd(7)}  ${row.release}  ${over ? paint("yellow", `over ${maxAge}`) : paint("green", `under ${maxAge}`)}`,
    );
  }
}

/** "20d,3d" → ages in seconds, repeated in order until there is one per instance. */
function parseAges(text: string, count: number): number[] {
  const ages = text.split(",").map((part) => part.trim());
  const seconds = ages.map((age) => (age === "0" ? 0 : ageSeconds(age)));
  const wrong = ages.find((_, index) => seconds[index] === undefined);
  if (wrong !== undefined || ages.length === 0) throw new UsageError(`--ages: ${JSON.stringify(wrong ?? text)} is not an age such as "20d", "12h" or "90m".`);
  return Array.from({ length: count }, (_, index) => seconds[index % seconds.length] as number);
}

function startTime(text: string | undefined): number {
  if (text === undefined) return Date.now();
  const time = Date.parse(text);
  if (Number.isNaN(time)) throw new UsageError(`--at ${JSON.stringify(text)} is not a time such as "2026-03-29T03:00:00Z".`);
  return time;
}
