import type { ConfigReleaseResult } from "../../functions/aws/releases/config-release.js";
import { loadConfigFile } from "../../functions/config/load.js";
import { environmentOf, type GantryConfig } from "../../functions/core/config/config.js";
import { MASKED_VALUE, parameterName, parseAssignments, parseUnsetNames, type StoredVariable } from "../../functions/core/releases/environment.js";
import type { ConfigChangeOptions, ConfigGetOptions, ConfigOptions } from "../commands/config.js";
import { cliActor } from "../flags.js";
import { UsageError, line, note, printJson } from "../output.js";

/**
 * Provides the runtime the environment and release-store adapters read through: on AWS the
 * CLI's credentials with the stack's release bucket; locally the parameter store kept in
 * `.gantry/parameters.json` and the local release store.
 */
async function openStore(app: string, env: string, options: ConfigOptions): Promise<GantryConfig> {
  const config = await loadConfigFile(options.config);
  environmentOf(config, app, env);
  const { provideRuntime, createRuntime } = await import("../../functions/aws/runtime.js");
  if (options.local) {
    const [{ createLocalRuntime }, { localParameterStore }, { openLocalReleaseStore }] = await Promise.all([
      import("../../local/runtime.js"),
      import("../../local/app-environment.js"),
      import("../lifecycle.js"),
    ]);
    provideRuntime(createLocalRuntime({ ...localParameterStore(), config, releaseBucket: await openLocalReleaseStore() }));
    return config;
  }
  const [{ connect, configuredRegion }, { stackOutput }] = await Promise.all([import("../aws/target.js"), import("../../functions/aws/executions/stack.js")]);
  const target = await connect(options, configuredRegion(config, app, env));
  provideRuntime(
    createRuntime({
      settings: target.settings,
      config,
      env: { releaseBucket: stackOutput(target.stack, "releaseBucketName"), tableName: stackOutput(target.stack, "tableName") },
    }),
  );
  return config;
}

/** `gantry config get`: names, versions and (masked unless asked) values; one KEY prints that variable alone. */
export async function configGet(app: string, env: string, key: string | undefined, options: ConfigGetOptions): Promise<void> {
  await openStore(app, env, options);
  const { readEnvironmentParameters } = await import("../../functions/aws/releases/environment-parameters.js");
  const variables = await readEnvironmentParameters(app, env);
  if (key !== undefined && variables[key] === undefined) {
    throw new UsageError(
      `${key} is not set for ${app}/${env} (no SSM parameter ${parameterName(app, env, key)}); set it with gantry config set ${app} ${env} ${key}=<value>.`,
    );
  }
  const names = (key === undefined ? Object.keys(variables) : [key]).sort();
  const shown = (variable: StoredVariable) => (options.showValues ? variable.value : MASKED_VALUE);
  if (options.json) {
    printJson({
      app,
      env,
      variables: Object.fromEntries(
        names.map((name) => [name, { version: variables[name]?.version, ...(options.showValues ? { value: variables[name]?.value } : {}) }]),
      ),
    });
    return;
  }
  if (names.length === 0) note(`${app}/${env} has no variables under ${parameterName(app, env, "")}; add one with gantry config set ${app} ${env} KEY=VALUE.`);
  const width = Math.max(0, ...names.map((name) => name.length));
  for (const name of names) {
    const variable = variables[name] as StoredVariable;
    line(`${name.padEnd(width)}  ${shown(variable)}  (version ${variable.version})`);
  }
}

/**
 * `gantry config set` / `unset`: checks the whole change before writing anything, writes SSM,
 * stores the new release (manifest last) and then, unless --no-deploy, deploys it through the
 * same path as `gantry deploy`. A failed write or store starts no deploy.
 */
export async function configChange(app: string, env: string, change: { set?: string[]; unset?: string[] }, options: ConfigChangeOptions): Promise<number> {
  const parsed = { app, env, ...(change.set ? { set: parseAssignments(change.set) } : {}), ...(change.unset ? { unset: parseUnsetNames(change.unset) } : {}) };
  await openStore(app, env, options);
  const { createConfigRelease } = await import("../../functions/aws/releases/config-release.js");
  const result = await createConfigRelease(parsed);
  report(app, env, result);
  if (result.outcome === "unchanged" || !options.deploy) {
    if (options.json) printJson(summaryOf(result));
    return 0;
  }
  note(`• deploying ${result.releaseId} to ${app}/${env}`);
  const deployed = await deployRelease(app, env, result.releaseId, result.base, options);
  return deployed;
}

function report(app: string, env: string, result: ConfigReleaseResult): void {
  if (result.outcome === "unchanged") {
    note(`• ${app}/${env}: nothing changed (${result.unchanged.join(", ") || "no variable"} already so); ${result.current} keeps running, no release made`);
    return;
  }
  for (const [name, version] of Object.entries(result.written)) note(`• ${parameterName(app, env, name)}: written (version ${version})`);
  for (const name of result.removed) note(`• ${parameterName(app, env, name)}: removed`);
  for (const name of result.unchanged) note(`• ${name}: already so, not written`);
  const count = Object.keys(result.pins).length;
  note(
    `• release ${result.releaseId} created in s3://${result.bucket}/${app}/${env}/${result.releaseId}/: the slug of ${result.base}, ${count} variable(s) pinned to their SSM versions`,
  );
}

/** What --json prints: ids, names and versions, never a value. */
function summaryOf(result: ConfigReleaseResult): object {
  return result.outcome === "unchanged"
    ? { outcome: "unchanged", current: result.current }
    : {
        outcome: "created",
        releaseId: result.releaseId,
        base: result.base,
        written: result.written,
        removed: result.removed,
        unchanged: result.unchanged,
        pins: result.pins,
      };
}

/** The same path `gantry deploy` takes: the stack's state machine on AWS, the local runner with --local. */
async function deployRelease(app: string, env: string, releaseId: string, base: string, options: ConfigChangeOptions): Promise<number> {
  if (options.local) {
    const { runLocalDeploy } = await import("./deploy.js");
    return runLocalDeploy(
      releaseId,
      {
        app,
        env,
        instances: options.instances,
        from: base,
        batches: "25%",
        bakeSeconds: 60,
        minHealthyPercent: 100,
        retire: "standby",
        ...(options.json ? { json: true } : {}),
      },
      { source: "config", actor: cliActor() },
    );
  }
  const { deployOnAws } = await import("../aws/deploy.js");
  return deployOnAws(releaseId, {
    app,
    env,
    stack: options.stack,
    config: options.config,
    ...(options.region ? { region: options.region } : {}),
    ...(options.profile ? { profile: options.profile } : {}),
    ...(options.wait ? { wait: true } : {}),
    ...(options.json ? { json: true } : {}),
  });
}
