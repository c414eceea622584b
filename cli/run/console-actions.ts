import * as z from "zod";
import { ActionBusyError, ActionRefusedError, type ConsoleAction } from "../../console/actions.js";
import type { LiveFeed } from "../../console/live-feed.js";
import { watchLocalDeploy } from "../../console/local-watch.js";
import type { GantryConfig } from "../../functions/core/config/config.js";
import { GantryError } from "../../functions/core/errors.js";
import { exampleReleases } from "../../local/example-releases.js";
import { LOCAL_DEPLOY_DEFAULTS, type DeployOptions } from "../commands/deploy.js";
import type { AwsFlags } from "../flags.js";
import { UsageError } from "../output.js";
import { deployHere, type LocalDeployWatch } from "./deploy.js";
import { rollback } from "./releases.js";

/** The app/env pairs the configuration defines: the forms offer only those. */
function appEnvs(config: GantryConfig): { apps: string[]; envs: string[] } {
  const apps = Object.keys(config.apps);
  const envs = [...new Set(Object.values(config.apps).flatMap((app) => Object.keys(app.environments)))];
  return { apps, envs };
}

const deployInput = z.strictObject({ app: z.string().min(1), env: z.string().min(1), release: z.string().min(1) });
const rollbackInput = z.strictObject({ app: z.string().min(1), env: z.string().min(1), to: z.string().min(1).optional() });

/**
 * `deploy` and `rollback` as the console offers them in local mode: the very functions
 * `gantry deploy --local` and `gantry rollback --local` run, with the console watching the
 * simulated group. Local deploys share one active local cloud, so one runs at a time.
 */
export function localConsoleActions(config: GantryConfig, flags: AwsFlags, feed: LiveFeed): ConsoleAction[] {
  const { apps, envs } = appEnvs(config);
  const releases = exampleReleases().map((release) => release.id);
  let running: string | undefined;
  const start = async (what: string, run: (watch: LocalDeployWatch) => Promise<number>): Promise<string> => {
    if (running) throw new ActionBusyError(`Refused: ${running} is still running, and local mode runs one deploy at a time; try again when it ends.`);
    running = what;
    const watcher = watchLocalDeploy(feed);
    let named: (name: string) => void = () => undefined;
    const started = new Promise<string>((resolve) => (named = resolve));
    const done = run({
      onStart: (name, fleet) => {
        watcher.onStart(name, fleet);
        named(name);
      },
      onEvent: watcher.onEvent,
    }).finally(async () => {
      running = undefined;
      // Other commands (gantry releases --local) read the table from its file.
      await (await import("../../local/dynamo-session.js")).saveLocalDynamo();
    });
    const name = await Promise.race([started, done.then(() => undefined)]).catch((error: unknown) => {
      if (error instanceof UsageError || error instanceof GantryError) throw new ActionRefusedError(error.message, { cause: error });
      throw error;
    });
    if (name === undefined) throw new ActionRefusedError(`${what} ended before it started an execution.`);
    done.catch((error: unknown) => process.stderr.write(`${what} failed: ${error instanceof Error ? error.message : String(error)}\n`));
    return `${what} started: ${name}`;
  };
  const deploy: ConsoleAction<z.infer<typeof deployInput>> = {
    name: "deploy",
    label: "Deploy",
    description: `a release to a simulated group of ${LOCAL_DEPLOY_DEFAULTS.instances} on ${LOCAL_DEPLOY_DEFAULTS.from}, as gantry deploy --local does`,
    fields: [
      { name: "app", label: "app", choices: apps, ...(apps[0] ? { default: apps[0] } : {}) },
      { name: "env", label: "env", choices: envs, ...(envs[0] ? { default: envs[0] } : {}) },
      { name: "release", label: "release", choices: releases, ...(releases[1] ? { default: releases[1] } : {}) },
    ],
    input: deployInput,
    run: (input) => {
      const options: DeployOptions = { ...flags, ...LOCAL_DEPLOY_DEFAULTS, local: true, app: input.app, env: input.env, json: false };
      return start(`deploy of ${input.release} to ${input.app}/${input.env}`, (watch) => deployHere({ id: input.release }, options, watch));
    },
  };
  const rollBack: ConsoleAction<z.infer<typeof rollbackInput>> = {
    name: "rollback",
    label: "Roll back",
    description: "deploy the release before the current one again (or the one named), as gantry rollback --local does",
    fields: [
      { name: "app", label: "app", choices: apps, ...(apps[0] ? { default: apps[0] } : {}) },
      { name: "env", label: "env", choices: envs, ...(envs[0] ? { default: envs[0] } : {}) },
      { name: "to", label: "to release number (optional, e.g. v3)", optional: true },
    ],
    input: rollbackInput,
    run: (input) =>
      start(`rollback of ${input.app}/${input.env}`, (watch) =>
        rollback(input.app, input.env, { ...flags, local: true, instances: LOCAL_DEPLOY_DEFAULTS.instances, ...(input.to ? { to: input.to } : {}) }, watch),
      ),
  };
  return [deploy, rollBack];
}

/**
 * The console's deploy action offers the example's releases; a local deploy, like one on AWS,
 * takes only a built release, so they are built into the local release store first (the same
 * content again is "already exists": nothing is rewritten).
 */
export async function buildLocalExampleReleases(): Promise<void> {
  const [{ openLocalReleaseStore }, { provideRuntime }, { createLocalRuntime }, { buildExampleReleases }] = await Promise.all([
    import("../lifecycle.js"),
    import("../../functions/aws/runtime.js"),
    import("../../local/runtime.js"),
    import("../../local/example-releases.js"),
  ]);
  provideRuntime(createLocalRuntime({ releaseBucket: await openLocalReleaseStore() }));
  await buildExampleReleases("hello", "prod");
}
