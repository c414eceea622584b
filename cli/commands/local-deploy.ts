import type { Command } from "commander";
import { executionName } from "../../functions/core/naming.js";
import { parseDeployInput } from "../../functions/core/input.js";
import { summarizeExecution } from "../../local/execution-view.js";
import { applyExampleReleaseHealth } from "../../local/example-releases.js";
import { join } from "node:path";
import { ensureLocalDynamo } from "../../local/dynamo-session.js";
import { ExecutionStore, gantryHome } from "../../local/records.js";
import { VirtualClock } from "../../local/clock.js";
import { createLocalFleet, runLocalDeploy } from "../../local/scenario.js";
import { progressPrinter } from "../progress.js";
import { deployOnAws, type AwsDeployOptions } from "../aws/deploy.js";
import { withAwsFlags } from "../aws/target.js";
import { UsageError, line, paint, printJson, statusColour } from "../output.js";

export interface DeployOptions {
  local?: boolean;
  app: string;
  env: string;
  instances: string;
  from: string;
  batches: string;
  bakeSeconds: string;
  minHealthyPercent: string;
  retire: string;
  dryRun?: boolean;
  json?: boolean;
}

export function registerDeploy(program: Command): void {
  const command = program
    .command("deploy")
    .description("roll a release across an Auto Scaling group through the deployed stack (with --local: a simulated group on this machine)")
    .argument("<release>", "release id to deploy, e.g. v2 (examples/hello-app/releases has v1, v2, v3)")
    .option("--local", "run against the local cloud instead of AWS")
    .option("--app <name>", "app name (required on AWS)", "hello")
    .option("--env <name>", "environment name (required on AWS)", "prod")
    .option("--wait", "on AWS: follow the execution to its end; exit 1 if it failed or rolled back")
    .option("--instances <n>", "local group size", "4")
    .option("--from <release>", "release the local group runs before the deploy", "v1")
    .option("--batches <list>", 'local: comma-separated batch steps, counts or percentages, e.g. "1,25%,100%"', "25%")
    .option("--bake-seconds <n>", "local: seconds to watch each batch after the old instances leave", "60")
    .option("--min-healthy-percent <n>", "local: capacity floor, percent of desired capacity", "100")
    .option("--retire <how>", 'local: old instances go to "standby" (fast rollback) or are drained and "terminate"d', "standby")
    .option("--dry-run", "show the plan; change nothing")
    .option("--json", "print the execution summary as JSON on the last line");
  withAwsFlags(command).action(async (release: string, options: DeployOptions & AwsDeployOptions) => {
    if (options.local) {
      process.exitCode = await deployLocally(release, options);
      return;
    }
    const given = (name: string) => command.getOptionValueSource(name) === "cli";
    const localOnly = ["instances", "from", "batches", "bakeSeconds", "minHealthyPercent", "retire"].filter(given);
    if (localOnly.length > 0) {
      const flags = localOnly.map((name) => `--${name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`).join(", ");
      throw new UsageError(`${flags} only apply with --local: on AWS the group, strategy and gates come from ${options.config}.`);
    }
    if (!given("app") || !given("env")) throw new UsageError(`gantry deploy on AWS needs --app <name> and --env <name>, e.g. gantry deploy ${release} --app hello --env prod (or --local for a simulated group).`);
    process.exitCode = await deployOnAws(release, options);
  });
}

/** Deploys `release` to a simulated group on this machine, recording the execution and the release. */
export async function deployLocally(release: string, options: DeployOptions, trigger: { source: string; actor?: string } = { source: "cli", actor: userName() }): Promise<number> {
  await ensureLocalDynamo({ persistTo: join(gantryHome(), "dynamo.json") });
  const instances = positiveInt("--instances", options.instances);
  const fleet = createLocalFleet({ instances, release: options.from, app: options.app, env: options.env, clock: new VirtualClock(Date.now()) });
  applyExampleReleaseHealth(fleet.cloud);
  const raw = fleet.deployInput(release, {
    strategy: {
      batches: options.batches.split(",").map((step) => (/^\d+$/.test(step.trim()) ? Number(step) : step.trim())),
      bakeSeconds: nonNegativeInt("--bake-seconds", options.bakeSeconds),
      minHealthyPercent: nonNegativeInt("--min-healthy-percent", options.minHealthyPercent),
      retire: options.retire as "standby",
    },
    dryRun: Boolean(options.dryRun),
    trigger,
  });
  try {
    parseDeployInput(raw);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const store = new ExecutionStore();
  const name = executionName(options.app, options.env, release, Date.now().toString(36));
  const printer = progressPrinter({ quiet: Boolean(options.json) });
  const record = await runLocalDeploy(fleet, raw, {
    name,
    onEvent: (event) => printer(event),
    onRecord: (current) => store.save(current),
  });
  store.save(record);
  const summary = summarizeExecution(record, fleet.clock.now());
  if (options.json) printJson(summary);
  else {
    line();
    line(`${paint("bold", name)}  ${statusColour(record.status)}  ${summary.durationSeconds} s simulated, ${record.historyEvents} history events`);
    if (record.cause) line(record.cause);
    line(paint("dim", `recorded in ${store.dir}; see it again with: gantry history --local ${name}`));
  }
  return record.status === "SUCCEEDED" ? 0 : 1;
}

function userName(): string {
  return process.env.USER ?? process.env.USERNAME ?? "someone";
}

function positiveInt(flag: string, text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new UsageError(`${flag} ${JSON.stringify(text)} is not a whole number of at least 1.`);
  return value;
}

function nonNegativeInt(flag: string, text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) throw new UsageError(`${flag} ${JSON.stringify(text)} is not a whole number of at least 0.`);
  return value;
}
