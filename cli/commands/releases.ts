import { join } from "node:path";
import type { Command } from "commander";
import { findRelease, lastDeployed, listReleases } from "../../functions/aws/release-history.js";
import type { ReleaseRecord } from "../../functions/core/releases.js";
import { provideRuntime } from "../../functions/aws/runtime.js";
import { ensureLocalDynamo } from "../../local/dynamo-session.js";
import { createLocalRuntime } from "../../local/runtime.js";
import { gantryHome } from "../../local/records.js";
import { UsageError, line, paint, printJson } from "../output.js";
import { deployLocally } from "./local-deploy.js";
import { releasesOnAws, rollbackOnAws, type AwsRollbackOptions } from "../aws/releases.js";
import { withAwsFlags, type AwsFlags } from "../aws/target.js";

async function openHistory(): Promise<void> {
  await ensureLocalDynamo({ persistTo: join(gantryHome(), "dynamo.json") });
  provideRuntime(createLocalRuntime());
}

/** `gantry releases` and `gantry rollback`: the numbered release history of an app/env. */
export function registerReleases(program: Command): void {
  const releasesCommand = program
    .command("releases")
    .description("list the releases of an app/env, newest first: v42, its commit, who triggered it, how it ended")
    .argument("<app>")
    .argument("<env>")
    .option("--local", "read the history kept locally under .gantry/")
    .option("--limit <n>", "how many to show", "20")
    .option("--json", "print the releases as JSON on the last line");
  withAwsFlags(releasesCommand).action(async (app: string, env: string, options: AwsFlags & { local?: boolean; limit: string; json?: boolean }) => {
    const limit = Number(options.limit) || 20;
    let releases: (ReleaseRecord & { consoleUrl?: string })[];
    if (options.local) {
      await openHistory();
      releases = (await listReleases(app, env, { limit })).releases;
    } else {
      releases = await releasesOnAws(app, env, { ...options, limit });
    }
    if (options.json) return printJson(releases);
    const local = options.local ? " --local" : "";
    if (releases.length === 0) return line(`No releases of ${app}/${env} yet. Deploy one with: gantry deploy <release>${local} --app ${app} --env ${env}`);
    for (const release of releases) printRelease(release);
  });

  const rollback = program
    .command("rollback")
    .description("deploy an earlier release of an app/env again, through the same state machine (default: the one before the current)")
    .argument("<app>")
    .argument("<env>")
    .option("--to <label>", "the release to go back to, e.g. v41")
    .option("--local", "run against a simulated group on this machine, using the local release history")
    .option("--instances <n>", "local group size", "4")
    .option("--wait", "on AWS: follow the execution to its end; exit 1 if it failed or rolled back")
    .option("--json", "print the execution summary as JSON on the last line");
  withAwsFlags(rollback).action(async (app: string, env: string, options: AwsRollbackOptions & { local?: boolean; instances: string }) => {
    if (!options.local) {
      process.exitCode = await rollbackOnAws(app, env, options);
      return;
    }
    await openHistory();
    const current = await lastDeployed(app, env);
    if (!current) throw new UsageError(`${app}/${env} has no deployed release to roll back from; see gantry releases ${app} ${env} --local`);
    const target = options.to ? await findRelease(app, env, options.to) : await lastDeployed(app, env, { before: current.number });
    if (!target) throw new UsageError(`${app}/${env} has no deployed release before ${current.label}; name one with --to (see gantry releases ${app} ${env} --local).`);
    if (!options.json) line(paint("bold", `rolling ${app}/${env} back from ${current.label} (${current.releaseId}) to ${target.label} (${target.releaseId})`));
    process.exitCode = await deployLocally(
      target.releaseId,
      { local: true, app, env, instances: options.instances, from: current.releaseId, batches: "25%", bakeSeconds: "60", minHealthyPercent: "100", retire: "standby", ...(options.json ? { json: true } : {}) },
      { source: "rollback", actor: `${process.env.USER ?? "someone"} (to ${target.label})` },
    );
  });
}

function printRelease(release: ReleaseRecord & { consoleUrl?: string }): void {
  const colour = release.status === "deployed" ? "green" : release.status === "deploying" ? "yellow" : "red";
  const who = [release.trigger.source, release.trigger.actor].filter(Boolean).join(" by ");
  line(`${paint("bold", release.label.padEnd(5))} ${release.releaseId.padEnd(14)} ${paint(colour, release.status.padEnd(12))} ${release.startedAt}  ${who}  ${paint("dim", release.execution)}`);
  if (release.cause && release.status !== "deployed") line(`      ${paint("dim", release.cause)}`);
  if (release.consoleUrl) line(`      ${paint("dim", release.consoleUrl)}`);
}
