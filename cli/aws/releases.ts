import { readLock } from "../../functions/aws/lock/deploy-lock.js";
import { putOperatorRequest } from "../../functions/aws/operator/requests.js";
import { findRelease, lastDeployed, listReleases } from "../../functions/aws/releases/release-history.js";
import type { GantryConfig } from "../../functions/core/config/config.js";
import { consoleUrlFor, executionArnFor } from "../../functions/core/executions/execution-links.js";
import { executionName } from "../../functions/core/executions/naming.js";
import type { ReleaseRecord } from "../../functions/core/releases/releases.js";
import { UsageError, line, paint, printJson } from "../output.js";
import { cliActor } from "../flags.js";
import { cliDeployInput } from "./deploy.js";
import { followExecution, type FollowOptions } from "./follow.js";
import { startOnStack } from "./start.js";
import { configFor, configuredRegion, connect, deployStateMachine, openStackReleaseHistory } from "./target.js";
import type { AwsFlags } from "../flags.js";

/** `gantry releases <app> <env>` on AWS: the numbered history in the stack's table, newest first. */
export async function releasesOnAws(app: string, env: string, options: AwsFlags & { limit: number }): Promise<(ReleaseRecord & { consoleUrl: string })[]> {
  const config = await configFor(options, false);
  const target = await connect(options, configuredRegion(config, app, env));
  openStackReleaseHistory(target);
  const stateMachineArn = deployStateMachine(target);
  const { releases } = await listReleases(app, env, { limit: options.limit });
  return releases.map((release) => ({ ...release, consoleUrl: consoleUrlFor(executionArnFor(stateMachineArn, release.execution)) }));
}

export interface AwsRollbackOptions extends AwsFlags {
  to?: string;
  wait?: boolean;
  json?: boolean;
}

/**
 * `gantry rollback <app> <env>` on AWS: finds the release to go back to in the stack's table
 * (--to, or the last deployed one before the current) and starts a deploy execution of it,
 * triggered by "rollback", through the same state machine as any deploy.
 */
export async function rollbackOnAws(app: string, env: string, options: AwsRollbackOptions, follow: FollowOptions = {}): Promise<number> {
  const config = (await configFor(options, true)) as GantryConfig;
  const target = await connect(options, configuredRegion(config, app, env));
  openStackReleaseHistory(target);
  const now = (follow.now ?? Date.now)();
  // A deploy that holds the lock is still running (or inside its keepOldFor window): undo that
  // one in place, from Standby, rather than queue another deploy behind it.
  if (!options.to) {
    const running = await requestRollbackOfRunning(app, env, now, Boolean(options.json));
    if (running) return 0;
  }
  const current = await lastDeployed(app, env);
  if (!current && !options.to)
    throw new UsageError(`${app}/${env} has no deployed release to roll back from; see gantry releases ${app} ${env}, or name one with --to.`);
  const back = options.to ? await findRelease(app, env, options.to) : await lastDeployed(app, env, { before: current?.number });
  if (!back) throw new UsageError(`${app}/${env} has no deployed release before ${current?.label}; name one with --to (see gantry releases ${app} ${env}).`);
  const release = { id: back.releaseId, ...(back.ref ? { ref: back.ref } : {}), ...(back.imageId ? { imageId: back.imageId } : {}) };
  const input = cliDeployInput(config, app, env, release, { source: "rollback", actor: `${cliActor()} (to ${back.label})`, receivedAt: now });
  const say = options.json ? () => undefined : line;
  say(paint("bold", `rolling ${app}/${env} back${current ? ` from ${current.label} (${current.releaseId})` : ""} to ${back.label} (${back.releaseId})`));
  const started = await startOnStack(
    target,
    { name: executionName(app, env, back.releaseId, `rb${now.toString(36)}`), input },
    { json: Boolean(options.json) },
  );
  if (!options.wait) {
    if (options.json) printJson({ ...started, from: current?.label, to: back.label });
    return 0;
  }
  return (await followExecution(target, started.executionArn, { ...follow, json: Boolean(options.json) })).exitCode;
}

/**
 * Files a rollback request for the execution holding the app/env's lock, if one does: it rolls
 * back at its next step (from Standby inside its keepOldFor window). True when one was filed.
 */
async function requestRollbackOfRunning(app: string, env: string, now: number, json: boolean): Promise<boolean> {
  const lock = await readLock(app, env, now);
  const holder = lock?.holder;
  if (!holder || holder.expired) return false;
  const by = cliActor();
  await putOperatorRequest(app, env, { kind: "rollback", execution: holder.holder, by, at: now });
  if (json) printJson({ requested: "rollback", execution: holder.holder, app, env, by, requestedAt: new Date(now).toISOString() });
  else
    line(
      `${paint("bold", `Rollback requested for ${holder.holder}`)}, which holds the ${app}/${env} deploy lock: it rolls back at its next step (from Standby, inside a keepOldFor window). Follow it with gantry status ${holder.holder}.`,
    );
  return true;
}
