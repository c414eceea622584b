import { loadConfigFile } from "../../functions/config/load.js";
import { environmentOf, type GantryConfig } from "../../functions/core/config/config.js";
import type { BatchStep } from "../../functions/core/config/input.js";
import type { DeployOptions } from "../commands/deploy.js";
import type { LocalDeployRequest } from "../../local/local-deploy.js";
import { cliActor } from "../flags.js";
import { printExecution } from "../executions.js";
import { openLocalDynamo, openLocalReleaseStore } from "../lifecycle.js";
import { printJson } from "../output.js";
import { progressPrinter } from "../progress.js";

/** A release as a person typed it, resolved by the one rule: the release id, and the ref it was given as (when it was one). */
export interface ResolvedRelease {
  id: string;
  ref?: string;
}

/**
 * `gantry deploy <release>`: a 12-hex release id stands; a full SHA is cut to 12; a branch, tag
 * or short SHA is resolved with git in the current directory, and an ambiguous short SHA or a
 * ref that does not exist is refused (exit 2) before anything starts.
 */
export async function resolveRelease(text: string): Promise<ResolvedRelease> {
  const { releaseIdFor } = await import("../release/git.js");
  const { releaseId, commit } = releaseIdFor(text, process.cwd());
  return { id: releaseId, ...(commit && text.toLowerCase() !== commit ? { ref: text } : {}) };
}

// Each path loads its own code: the SDK clients for AWS, the local cloud and runner for --local.
export async function deployToAws(release: ResolvedRelease, options: DeployOptions): Promise<number> {
  return (await import("../aws/deploy.js")).deployOnAws(release.id, options, {}, release.ref);
}

/** `gantry deploy --local`: the app/env must be one the configuration defines; the simulated group's strategy comes from the flags. */
export async function deployHere(release: ResolvedRelease, options: DeployOptions, watch: LocalDeployWatch = {}): Promise<number> {
  const config = await loadConfigFile(options.config);
  environmentOf(config, options.app, options.env);
  return runLocalDeploy(release.id, options, { source: "cli", actor: cliActor() }, watch, config);
}

/** What else hears of a local deploy as it runs, besides the terminal (the console samples its group). */
export type LocalDeployWatch = Pick<LocalDeployRequest, "onStart" | "onEvent">;

export type LocalDeployFlags = Pick<
  DeployOptions,
  "app" | "env" | "instances" | "from" | "batches" | "bakeSeconds" | "minHealthyPercent" | "retire" | "inPlace" | "dryRun" | "json"
>;

/**
 * Runs a local deploy with live progress and prints its outcome; the exit code is 1 unless it
 * succeeded. The release must be built in the local release store (`gantry release create
 * --local`): plan rollout refuses it otherwise, as on AWS.
 */
export async function runLocalDeploy(
  release: string,
  options: LocalDeployFlags,
  trigger: { source: string; actor?: string },
  watch: LocalDeployWatch = {},
  config?: GantryConfig,
): Promise<number> {
  const [{ deployLocally }, { fileRequests }] = await Promise.all([import("../../local/local-deploy.js"), import("../../local/operator-requests.js")]);
  await openLocalDynamo();
  const releaseBucket = await openLocalReleaseStore();
  const printer = progressPrinter({ quiet: Boolean(options.json) });
  const { summary, recordedIn } = await deployLocally({
    app: options.app,
    env: options.env,
    release,
    releaseBucket,
    // Files, not the in-process table: a `gantry abort --local` in another terminal reaches this deploy.
    operatorRequests: fileRequests(),
    instances: options.instances,
    from: options.from,
    strategy: {
      batches: batchSteps(options.batches),
      bakeSeconds: options.bakeSeconds,
      minHealthyPercent: options.minHealthyPercent,
      retire: options.retire,
      ...(options.inPlace ? { mode: "in-place" as const } : {}),
    },
    dryRun: Boolean(options.dryRun),
    trigger,
    onEvent: (event) => {
      printer(event);
      watch.onEvent?.(event);
    },
    ...(watch.onStart ? { onStart: watch.onStart } : {}),
    ...(config ? { config } : {}),
    ...(process.env.GANTRY_GITHUB_TOKEN ? { githubToken: process.env.GANTRY_GITHUB_TOKEN } : {}),
  });
  if (options.json) printJson(summary);
  else printExecution({ ...summary, recordedIn, simulated: true }, "outcome");
  return summary.status === "SUCCEEDED" ? 0 : 1;
}

/** "1,25%,100%" → [1, "25%", "100%"]; the input's schema judges each step. */
function batchSteps(text: string): BatchStep[] {
  return text.split(",").map((step) => (/^\d+$/.test(step.trim()) ? Number(step) : step.trim()));
}
