import { loadConfigFile } from "../../functions/config/load.js";
import { parsePowerInput } from "../../functions/core/power/power.js";
import type { FollowOptions } from "../aws/follow.js";
import type { RunOptions } from "../commands/schedule-run.js";
import { openLocalDynamo } from "../lifecycle.js";
import { UsageError, line, paint, printJson, statusColour } from "../output.js";

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
  const [{ configFor, connect }, { startOnStack }, { followExecution }] = await Promise.all([
    import("../aws/target.js"),
    import("../aws/start.js"),
    import("../aws/follow.js"),
  ]);
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

/** `gantry schedule run <name> <action> --local`: one run against simulated targets, each target's outcome printed. */
export async function runScheduleHere(name: string, action: string, options: RunOptions): Promise<number> {
  const at = options.at ?? new Date().toISOString();
  const input = powerInput(name, action, at);
  const config = await loadConfigFile(options.config);
  if (!config.schedules?.[name]) {
    throw new UsageError(`${options.config} has no schedule "${name}" (configured: ${Object.keys(config.schedules ?? {}).join(", ") || "none"}).`);
  }
  const { powerLocally } = await import("../../local/local-power.js");
  await openLocalDynamo();
  const {
    name: executionName,
    record,
    output,
    simulatedSeconds,
    recordedIn,
  } = await powerLocally({
    config,
    input,
    at: Date.parse(at),
    instancesPerTag: options.instances,
    failStart: Boolean(options.failStart),
    onTargets: (state, now, targets) => {
      if (options.json) return;
      line(`${paint("dim", `${new Date(now).toISOString().slice(11, 19)}Z`)} ${state}`);
      for (const target of targets) line(`    ${target.target}: ${target.status}, ${target.detail}`);
    },
  });
  const summary = output?.summary ?? record.cause ?? "";
  if (options.json) {
    printJson({
      execution: executionName,
      status: record.status,
      error: record.error,
      summary,
      targets: output?.targets.map(({ target, status, detail, counts }) => ({ target, status, detail, counts })),
    });
  } else {
    line();
    line(
      `${paint("bold", executionName)}  ${statusColour(record.status)}${record.error ? ` ${record.error}` : ""}  ${simulatedSeconds} s simulated, ${record.historyEvents} history events`,
    );
    for (const text of summary.split("\n")) line(`  ${text}`);
    line(paint("dim", `recorded in ${recordedIn}; see it again with: gantry history --local ${executionName}`));
  }
  return record.status === "SUCCEEDED" ? 0 : 1;
}
