import { join } from "node:path";
import type { Command } from "commander";
import { loadConfigFile } from "../../functions/config/load.js";
import { ageSeconds, formatAge } from "../../functions/core/cycle-age.js";
import { cycleInputFor, describeAged, type AgedInstance } from "../../functions/core/cycle.js";
import { executionName } from "../../functions/core/naming.js";
import type { BatchPreview, RolloutPlan } from "../../functions/core/plan.js";
import { VirtualClock } from "../../local/clock.js";
import { ensureLocalDynamo } from "../../local/dynamo-session.js";
import { applyExampleReleaseHealth } from "../../local/example-releases.js";
import { summarizeExecution } from "../../local/execution-view.js";
import { ExecutionStore, gantryHome } from "../../local/records.js";
import { createLocalFleet, runLocalDeploy, type LocalFleet } from "../../local/scenario.js";
import { watchFleet } from "../../local/watch.js";
import { UsageError, line, paint, printJson, statusColour } from "../output.js";
import { progressPrinter } from "../progress.js";
import { cycleOnAws, type AwsCycleOptions } from "../aws/cycle.js";
import { withAwsFlags } from "../aws/target.js";

interface CycleOptions extends AwsCycleOptions {
  local?: boolean;
  demo?: boolean;
  instances: string;
  ages: string;
  from: string;
  at?: string;
}

/** Options that describe the local simulated group only. */
const LOCAL_ONLY = ["instances", "ages", "from", "at"] as const;

/** A group with instances of mixed ages: three over the example's 14 days, three under. */
const DEMO_AGES = "20d,3d,18d,2d,16d,1d";

export function registerCycle(program: Command): void {
  const command = program
    .command("cycle")
    .description("replace the instances of an app/env older than its cycling.maxAge, on the same release (with --local: a simulated group)")
    .argument("<app>", "app name in the configuration, e.g. hello")
    .argument("<env>", "environment name, e.g. prod")
    .option("--local", "run against the local cloud instead of AWS")
    .option("--dry-run", "list which instances would go, in which batch; change nothing")
    .option("--demo", "with --local: show the group's ages before and after, and the capacity floor held")
    .option("--wait", "on AWS: follow the run to its end; exit 1 if it failed or rolled back")
    .option("--instances <n>", "local group size", "6")
    .option("--ages <list>", "ages of the local group's instances, in launch order, repeated to fill the group", DEMO_AGES)
    .option("--from <release>", "release the local group runs", "v1")
    .option("--at <time>", "the local cloud's clock at the start (ISO 8601; default: now)")
    .option("--json", "print the result as JSON on the last line");
  withAwsFlags(command).action(async (app: string, env: string, options: CycleOptions, self: Command) => {
    if (options.demo && !options.local) throw new UsageError(`--demo runs on a simulated group: add --local (gantry cycle ${app} ${env} --local --demo).`);
    // These shape the simulated group; on AWS the group is the real one, so they would be ignored silently.
    const localOnly = LOCAL_ONLY.filter((flag) => self.getOptionValueSource(flag) === "cli");
    if (localOnly.length > 0 && !options.local) {
      const given = localOnly.map((flag) => `--${flag}`).join(", ");
      const many = localOnly.length > 1;
      throw new UsageError(`${given} ${many ? "describe" : "describes"} the simulated group of --local; on AWS the real group is cycled. Add --local (gantry cycle ${app} ${env} --local …) or leave ${many ? "them" : "it"} out.`);
    }
    process.exitCode = options.local ? await cycleLocally(app, env, options) : await cycleOnAws(app, env, options);
  });
}

async function cycleLocally(app: string, env: string, options: CycleOptions): Promise<number> {
  const config = await loadConfigFile(options.config);
  const input = { ...cycleInputFor(config, app, env, { source: "cli", actor: process.env.USER ?? "someone" }), dryRun: Boolean(options.dryRun) };
  await ensureLocalDynamo({ persistTo: join(gantryHome(), "dynamo.json") });
  const instances = Number(options.instances);
  if (!Number.isInteger(instances) || instances < 1) throw new UsageError(`--instances ${JSON.stringify(options.instances)} is not a whole number of at least 1.`);
  const ages = parseAges(options.ages, instances);
  const fleet = createLocalFleet({ instances, release: options.from, app, env, ages, clock: new VirtualClock(startTime(options.at)) });
  applyExampleReleaseHealth(fleet.cloud);
  const local = { ...input, group: fleet.deployInput(options.from).group };
  const quiet = Boolean(options.json);
  const maxAge = input.cycle.maxAge;
  if (!quiet) {
    line(`• ${app}/${env} locally: ${instances} instance(s) on ${options.from}, maxAge ${maxAge}, batch size ${String(input.cycle.batchSize)}`);
    if (options.demo) printFleet(fleet, maxAge);
    line();
  }
  const name = executionName(app, env, "cycle", Date.now().toString(36));
  const store = new ExecutionStore();
  const watch = watchFleet(fleet);
  const printer = progressPrinter({ quiet: quiet || Boolean(options.dryRun) });
  const startedAt = fleet.clock.now();
  const before = new Map(
    fleet.cloud.snapshot(fleet.groupName).instances.map((instance) => [
      instance.instanceId,
      { id: instance.instanceId, zone: instance.availabilityZone, ageSeconds: Math.round((startedAt - instance.launchTime) / 1000) },
    ]),
  );
  const record = await runLocalDeploy(fleet, local, {
    ...watch,
    name,
    onEvent: (event) => {
      watch.onEvent(event);
      printer(event);
    },
    onRecord: (current) => store.save(current),
  });
  store.save(record);
  const plan = (record.output as { plan?: RolloutPlan } | undefined)?.plan ?? planOf(record.steps.map((step) => step.output));
  const after = fleet.cloud.snapshot(fleet.groupName).instances;
  const ending = record.steps.at(-1)?.state ?? "(not started)";
  const result = {
    ...summarizeExecution(record, fleet.clock.now()),
    ending,
    maxAge,
    ...(plan ? { release: plan.release, toReplace: plan.toReplace, kept: plan.alreadyOnRelease, batchSizes: plan.batchSizes } : {}),
    ...(plan?.preview ? { preview: plan.preview } : {}),
    replaced: [...before.values()].filter((old) => !after.some((instance) => instance.instanceId === old.id)),
    launched: after.filter((instance) => !before.has(instance.instanceId)).map((instance) => instance.instanceId),
    minServing: watch.minServing(),
  };
  if (quiet) {
    printJson(result);
  } else if (options.dryRun && plan?.preview) {
    printPreview(plan.preview, maxAge);
  } else {
    line();
    if (options.demo) {
      line(paint("bold", "after"));
      printFleet(fleet, maxAge);
      line();
    }
    line(paint("bold", "summary"));
    line(`  ${ending}: ${describeEnding(result, plan)}`);
    if (result.replaced.length > 0) line(`  replaced: ${result.replaced.map(describeAged).join(", ")}`);
    if (result.launched.length > 0) line(`  launched: ${result.launched.join(", ")} (on ${plan?.release ?? options.from})`);
    line(`  serving never below ${result.minServing} of ${instances}; ${result.durationSeconds} s simulated, ${record.historyEvents} history events`);
    if (record.cause) line(`  ${record.cause}`);
    line(`${paint("bold", name)}  ${statusColour(record.status)}`);
    line(paint("dim", `recorded in ${store.dir}; see it again with: gantry history --local ${name}`));
  }
  return record.status === "SUCCEEDED" ? 0 : 1;
}

function describeEnding(result: { toReplace?: number; kept?: number; batchSizes?: number[]; maxAge: string; replaced: readonly unknown[] }, plan: RolloutPlan | undefined): string {
  if (!plan) return "no plan was made";
  if (plan.toReplace === 0) return `no instance is over ${result.maxAge}; ${plan.alreadyOnRelease} kept, nothing changed`;
  const left = plan.toReplace - result.replaced.length;
  if (left > 0) {
    return `${result.replaced.length} instance(s) over ${result.maxAge} replaced on ${plan.release}, ${left} left for the next run; ${plan.alreadyOnRelease} under ${result.maxAge} kept`;
  }
  return `${plan.toReplace} instance(s) over ${result.maxAge} replaced in ${plan.batchCount} batch(es) on ${plan.release}; ${plan.alreadyOnRelease} under ${result.maxAge} kept`;
}

/** The plan as "Plan rollout" wrote it, from the states' outputs (a run that failed has no final output). */
function planOf(outputs: unknown[]): RolloutPlan | undefined {
  const found = [...outputs].reverse().find((output) => (output as { plan?: { batchCount?: number } } | undefined)?.plan?.batchCount !== undefined);
  return (found as { plan?: RolloutPlan } | undefined)?.plan;
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

function printFleet(fleet: LocalFleet, maxAge: string): void {
  const limit = (ageSeconds(maxAge) ?? 0) * 1000;
  const now = fleet.clock.now();
  const rows = fleet.cloud.snapshot(fleet.groupName).instances.map((instance): AgedInstance & { release: string } => ({
    id: instance.instanceId,
    zone: instance.availabilityZone,
    ageSeconds: Math.round((now - instance.launchTime) / 1000),
    release: instance.release ?? "untagged",
  }));
  for (const row of rows.sort((a, b) => a.zone.localeCompare(b.zone) || b.ageSeconds - a.ageSeconds)) {
    const over = row.ageSeconds * 1000 > limit;
    line(`  ${row.id}  ${row.zone}  ${formatAge(row.ageSeconds).padEnd(7)}  ${row.release}  ${over ? paint("yellow", `over ${maxAge}`) : paint("green", `under ${maxAge}`)}`);
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
