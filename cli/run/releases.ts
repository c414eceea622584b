import type { ReleaseRecord } from "../../functions/core/releases/releases.js";
import type { ReleasesOptions, RollbackOptions } from "../commands/releases.js";
import { openLocalDynamo } from "../lifecycle.js";
import { UsageError, line, paint, printJson } from "../output.js";
import { cliActor } from "../flags.js";
import { runLocalDeploy, type LocalDeployWatch } from "./deploy.js";

/** `gantry releases <app> <env>`: the numbered history, locally or in the stack's table. */
export async function listReleases(app: string, env: string, options: ReleasesOptions): Promise<void> {
  let releases: (ReleaseRecord & { consoleUrl?: string })[];
  if (options.local) {
    await openLocalDynamo();
    releases = (await (await import("../../functions/aws/releases/release-history.js")).listReleases(app, env, { limit: options.limit })).releases;
  } else {
    releases = await (await import("../aws/releases.js")).releasesOnAws(app, env, options);
  }
  if (options.json) return printJson(releases);
  const local = options.local ? " --local" : "";
  if (releases.length === 0) return line(`No releases of ${app}/${env} yet. Deploy one with: gantry deploy <release>${local} --app ${app} --env ${env}`);
  for (const release of releases) printRelease(release);
}

/** `gantry rollback <app> <env>`: a deploy of an earlier release, on AWS or on a simulated group. */
export async function rollback(app: string, env: string, options: RollbackOptions, watch: LocalDeployWatch = {}): Promise<number> {
  if (!options.local) return (await import("../aws/releases.js")).rollbackOnAws(app, env, options);
  const { findRelease, lastDeployed } = await import("../../functions/aws/releases/release-history.js");
  await openLocalDynamo();
  const current = await lastDeployed(app, env);
  if (!current) throw new UsageError(`${app}/${env} has no deployed release to roll back from; see gantry releases ${app} ${env} --local`);
  const target = options.to ? await findRelease(app, env, options.to) : await lastDeployed(app, env, { before: current.number });
  if (!target)
    throw new UsageError(`${app}/${env} has no deployed release before ${current.label}; name one with --to (see gantry releases ${app} ${env} --local).`);
  if (!options.json) line(paint("bold", `rolling ${app}/${env} back from ${current.label} (${current.releaseId}) to ${target.label} (${target.releaseId})`));
  return runLocalDeploy(
    target.releaseId,
    {
      app,
      env,
      instances: options.instances,
      from: current.releaseId,
      batches: "25%",
      bakeSeconds: 60,
      minHealthyPercent: 100,
      retire: "standby",
      ...(options.json ? { json: true } : {}),
    },
    { source: "rollback", actor: `${cliActor()} (to ${target.label})` },
    watch,
  );
}

function printRelease(release: ReleaseRecord & { consoleUrl?: string }): void {
  const colour = release.status === "deployed" ? "green" : release.status === "deploying" ? "yellow" : "red";
  const who = [release.trigger.source, release.trigger.actor].filter(Boolean).join(" by ");
  line(
    `${paint("bold", release.label.padEnd(5))} ${release.releaseId.padEnd(14)} ${paint(colour, release.status.padEnd(12))} ${release.startedAt}  ${who}  ${paint("dim", release.execution)}`,
  );
  if (release.cause && release.status !== "deployed") line(`      ${paint("dim", release.cause)}`);
  if (release.consoleUrl) line(`      ${paint("dim", release.consoleUrl)}`);
}
