import { join } from "node:path";
import type { Command } from "commander";
import { loadConfigFile } from "../../functions/config/load.js";
import { parsePowerInput } from "../../functions/core/power.js";
import type { PowerProgress } from "../../functions/core/power-progress.js";
import { VirtualClock } from "../../local/clock.js";
import { ensureLocalDynamo } from "../../local/dynamo-session.js";
import { createPowerWorld, runLocalPower } from "../../local/power-scenario.js";
import { ExecutionStore, gantryHome } from "../../local/records.js";
import { UsageError, line, paint, printJson, statusColour } from "../output.js";
import { followExecution, type FollowOptions } from "../aws/follow.js";
import { startOnStack } from "../aws/start.js";
import { configFor, connect, withAwsFlags, type AwsFlags } from "../aws/target.js";

export interface RunOptions extends AwsFlags {
  local?: boolean;
  at?: string;
  instances: string;
  failStart?: boolean;
  wait?: boolean;
  json?: boolean;
}

/**
 * `gantry schedule run <name> <start|stop>`: runs the power state machine once, as Scheduler
 * would. On AWS it starts an execution of the stack's power state machine (and with --wait
 * follows it); with --local it runs against a local cloud holding the schedule's targets (off
 * before a start, running before a stop) and prints each target's outcome.
 */
export function registerScheduleRun(schedule: Command): void {
  const command = schedule
    .command("run")
    .description("run the power state machine for one schedule now (with --local: against simulated targets on this machine)")
    .argument("<name>", "the schedule, as named in the configuration")
    .argument("<action>", '"start" or "stop"')
    .option("--local", "run against the local cloud instead of AWS")
    .option("--at <time>", "the instant the run decides for (holidays, overrides), ISO with an offset, e.g. 2026-03-24T08:00:00+02:00 (default: now)")
    .option("--instances <n>", "local instances per tag target", "1")
    .option("--fail-start", "script the first tag target's first instance to fail its start (local only)")
    .option("--wait", "on AWS: follow the execution to its end; exit 1 if a target failed")
    .option("--json", "print the execution's outcome as JSON on the last line");
  withAwsFlags(command).action(async (name: string, action: string, options: RunOptions) => {
    process.exitCode = options.local ? await runLocally(name, action, options) : await runScheduleOnAws(name, action, options);
  });
}

function powerInput(name: string, action: string, at: string | undefined) {
  try {
    return parsePowerInput({ schedule: name, action, ...(at ? { at } : {}) });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** Starts the stack's power state machine for one schedule, as Scheduler would; with --wait, follows it. */
export async function runScheduleOnAws(name: string, action: string, options: RunOptions, follow: Partial<FollowOptions> = {}): Promise<number> {
  const input = powerInput(name, action, options.at);
  const config = await configFor(options, false);
  if (config && !config.schedules?.[name]) {
    throw new UsageError(`${options.config} has no schedule "${name}" (configured: ${Object.keys(config.schedules ?? {}).join(", ") || "none"}).`);
  }
  const target = await connect(options);
  const executionName = `${name}-${input.action}-manual-${(follow.now?.() ?? Date.now()).toString(36)}`;
  const started = await startOnStack(target, { name: executionName, input }, { json: Boolean(options.json), stateMachine: "powerStateMachineArn" });
  if (!options.wait) {
    if (options.json) printJson(started);
    return 0;
  }
  return (await followExecution(target, started.executionArn, { ...follow, json: Boolean(options.json) })).exitCode;
}

async function runLocally(name: string, action: string, options: RunOptions): Promise<number> {
  const at = options.at ?? new Date().toISOString();
  const input = powerInput(name, action, at);
  const instances = Number(options.instances);
  if (!Number.isInteger(instances) || instances < 1 || instances > 500) throw new UsageError(`--instances ${JSON.stringify(options.instances)} is not a whole number from 1 to 500.`);
  const config = await loadConfigFile(options.config);
  if (!config.schedules?.[name]) {
    throw new UsageError(`${options.config} has no schedule "${name}" (configured: ${Object.keys(config.schedules ?? {}).join(", ") || "none"}).`);
  }
  await ensureLocalDynamo({ persistTo: join(gantryHome(), "dynamo.json") });
  const world = createPowerWorld({ config, schedule: name, running: input.action === "stop", instancesPerTag: instances, clock: new VirtualClock(Date.parse(at)) });
  const firstTagged = Object.values(world.instances)[0]?.[0];
  if (options.failStart && firstTagged) world.cloud.failNextStart(firstTagged);
  const store = new ExecutionStore();
  const executionName = `${name}-${input.action}-${Date.now().toString(36)}`;
  let shown = "";
  const record = await runLocalPower(world, input, {
    name: executionName,
    // One line per Task, and the targets again only when they changed: a start polls for minutes.
    onEvent: (event) => {
      if (options.json || event.kind !== "exited" || event.step.type !== "Task") return;
      const targets = (event.step.output as { power?: PowerProgress } | undefined)?.power?.targets ?? [];
      const text = targets.map((target) => `${target.target}: ${target.status}, ${target.detail}`).join("\n");
      if (text === shown) return;
      shown = text;
      const at = `${new Date(world.clock.now()).toISOString().slice(11, 19)}Z`;
      line(`${paint("dim", at)} ${event.step.state}`);
      for (const row of text.split("\n").filter(Boolean)) line(`    ${row}`);
    },
    onRecord: (current) => store.save(current),
  });
  store.save(record);
  const output = record.output as PowerProgress | undefined;
  const summary = output?.summary ?? record.cause ?? "";
  if (options.json) {
    printJson({ execution: executionName, status: record.status, error: record.error, summary, targets: output?.targets.map(({ target, status, detail, counts }) => ({ target, status, detail, counts })) });
  } else {
    line();
    line(`${paint("bold", executionName)}  ${statusColour(record.status)}${record.error ? ` ${record.error}` : ""}  ${Math.round((world.clock.now() - Date.parse(at)) / 1000)} s simulated, ${record.historyEvents} history events`);
    for (const text of summary.split("\n")) line(`  ${text}`);
    line(paint("dim", `recorded in ${store.dir}; see it again with: gantry history --local ${executionName}`));
  }
  return record.status === "SUCCEEDED" ? 0 : 1;
}
