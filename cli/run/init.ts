import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join, relative, resolve } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { loadConfigFile } from "../../functions/config/load.js";
import type { GantryConfig } from "../../functions/core/config/config.js";
import { fleetStackName } from "../../functions/core/config/fleet-outputs.js";
import type { InitOptions } from "../commands/init.js";
import { insertSection, newConfigFile, type ConfigSection } from "../init/config-edit.js";
import { UsageError, line, note, printJson } from "../output.js";

/** What a fleet gives one app/env's configuration, from its stack or from answers. */
interface FleetValues {
  source: string;
  region: string;
  autoScalingGroupName: string;
  targetGroupArns: string[];
  port?: number;
  healthPath: string;
  subnetIds: string[];
  securityGroupIds: string[];
  launchTemplate?: string;
}

const SLUG = /^[a-z0-9][a-z0-9-]{0,39}$/;

/**
 * Writes apps.<app>.environments.<env> (and infrastructure.vpc when the file has none) into the
 * configuration: the edited text goes to a temporary file beside it, is loaded and validated like
 * any config, and only then renamed over the original, so a failure leaves the file as it was.
 */
export async function init(app: string, env: string, options: InitOptions): Promise<void> {
  for (const [what, value] of [
    ["app", app],
    ["env", env],
  ] as const) {
    if (!SLUG.test(value)) throw new UsageError(`${what} "${value}" is not lowercase letters, digits and dashes (at most 40), e.g. gantry init hello prod.`);
  }
  const path = resolve(options.config);
  const existing = existsSync(path) ? await loadConfigFile(path) : undefined;
  if (existing?.apps[app]?.environments[env]) {
    throw new UsageError(
      `apps.${app}.environments.${env} is already in ${options.config}: remove it there first to write it again, or run gantry init for another app/env.`,
    );
  }
  if (!existing?.apps[app] && !options.repository && options.fromStack) {
    throw new UsageError(`apps.${app} is not in ${options.config} yet: pass --repository <owner/name>, the GitHub repository that deploys it.`);
  }
  const values = options.fromStack ? await fromStack(app, env, options) : await fromAnswers(app, existing, options);
  const vpc = values.port === undefined ? undefined : vpcToAdd(existing, values, options.config);
  const environment = {
    branch: options.branch,
    region: values.region,
    group: { autoScalingGroupName: values.autoScalingGroupName, targetGroupArns: values.targetGroupArns },
    ...(values.port === undefined
      ? {}
      : { gates: { http: { port: values.port, healthPath: values.healthPath, versionPath: options.versionPath }, alarms: [] } }),
  };
  const section: ConfigSection = {
    app,
    env,
    ...(options.repository ? { repository: options.repository } : {}),
    environment,
    comment: `Written by gantry init from ${values.source}${values.launchTemplate ? ` (launch template ${values.launchTemplate})` : ""}.`,
    ...(vpc ? { vpc } : {}),
  };
  const text = existing ? insertSection(readFileSync(path, "utf8"), section, options.config) : newConfigFile(section, importPathFrom(path));
  await writeChecked(path, text, app, env);

  if (options.json) {
    printJson({ config: options.config, app, env, source: values.source, environment, vpc: vpc ?? null, created: !existing });
    return;
  }
  line(`${existing ? "wrote" : "created"} apps.${app}.environments.${env} in ${options.config} from ${values.source}`);
  line(`  region ${values.region}, group ${values.autoScalingGroupName}, ${values.targetGroupArns.length} target group(s)`);
  line(values.port === undefined ? "  no HTTP gate" : `  HTTP gate: port ${values.port}, ${values.healthPath} and ${options.versionPath}`);
  if (vpc) line(`  infrastructure.vpc: subnets ${vpc.subnetIds.join(", ")}, security group ${vpc.securityGroupIds.join(", ")}`);
  line(`next: npx cdk deploy Gantry   (bundles the new config into gantry's functions${vpc ? " and runs the gate functions in the fleet's VPC" : ""})`);
}

async function fromStack(app: string, env: string, options: InitOptions): Promise<FleetValues> {
  const [{ CloudFormationClient }, { createRuntime }, { readFleetStack }] = await Promise.all([
    import("@aws-sdk/client-cloudformation"),
    import("../../functions/aws/runtime.js"),
    import("../aws/fleet.js"),
  ]);
  const region = options.region ?? process.env.AWS_REGION;
  const aws = createRuntime({ settings: { ...(region ? { region } : {}), ...(options.profile ? { profile: options.profile } : {}) } });
  const stackName = options.stack ?? fleetStackName(app, env);
  const stack = await readFleetStack(aws.client(CloudFormationClient), stackName);
  const outputs = stack.outputs;
  if (outputs.app !== app || outputs.env !== env) {
    throw new UsageError(
      `Stack "${stackName}" is the fleet of ${outputs.app}/${outputs.env}, not ${app}/${env}: run gantry init ${outputs.app} ${outputs.env}, or pass --stack <name> of the ${app}/${env} fleet.`,
    );
  }
  const list = (text: string) =>
    text
      .split(",")
      .map((item) => item.trim())
      .filter(Boolean);
  return {
    source: `stack ${stack.name} in ${stack.region}`,
    region: outputs.region,
    autoScalingGroupName: outputs.autoScalingGroupName,
    targetGroupArns: list(outputs.targetGroupArns),
    port: Number(outputs.appPort),
    healthPath: outputs.healthPath,
    subnetIds: list(outputs.gateSubnetIds),
    securityGroupIds: [outputs.gateSecurityGroupId],
    launchTemplate: `${outputs.launchTemplateId} version ${outputs.launchTemplateVersion}`,
  };
}

/**
 * Asks for each value on stderr and reads the answers from stdin, one a line, so it works on a
 * terminal and with piped input alike (readline's line iterator keeps lines that arrive early).
 */
async function fromAnswers(app: string, existing: GantryConfig | undefined, options: InitOptions): Promise<FleetValues> {
  const readline = createInterface({ input: process.stdin, terminal: false });
  const lines = readline[Symbol.asyncIterator]();
  const ask = async (question: string, fallback?: string): Promise<string> => {
    note(`${question}${fallback ? ` [${fallback}]` : ""}:`);
    const next = await lines.next();
    const answer = next.done ? "" : String(next.value).trim();
    if (answer) return answer;
    if (fallback !== undefined) return fallback;
    throw new UsageError(`No answer to "${question}" on stdin: answer every question, or run gantry init with a fleet stack (--stack <name>).`);
  };
  try {
    if (!existing?.apps[app] && !options.repository) options.repository = await ask(`GitHub repository of ${app} (owner/name)`);
    const region = await ask("AWS region", options.region ?? process.env.AWS_REGION);
    const autoScalingGroupName = await ask("Auto Scaling group name");
    const targetGroupArns = (await ask("target group ARNs (comma-separated)")).split(",").map((item) => item.trim());
    const portText = await ask("app port for the HTTP gate (none: no gate)", "none");
    const port = portText === "none" ? undefined : Number(portText);
    if (port !== undefined && !(Number.isInteger(port) && port >= 1 && port <= 65535))
      throw new UsageError(`port "${portText}" is not a TCP port (1-65535) or "none".`);
    const healthPath = port === undefined ? "/health" : await ask("health path", "/health");
    const needsVpc = port !== undefined && !existing?.infrastructure?.vpc;
    const subnetIds = needsVpc ? (await ask("subnet ids of the gate functions (comma-separated)")).split(",").map((item) => item.trim()) : [];
    const securityGroupIds = needsVpc ? (await ask("security group ids of the gate functions (comma-separated)")).split(",").map((item) => item.trim()) : [];
    return {
      source: "the answers given",
      region,
      autoScalingGroupName,
      targetGroupArns,
      ...(port === undefined ? {} : { port }),
      healthPath,
      subnetIds,
      securityGroupIds,
    };
  } finally {
    readline.close();
  }
}

/** The VPC to add for the gate, none when the config has the same; refuses a different one (gantry's gate functions run in one VPC). */
function vpcToAdd(existing: GantryConfig | undefined, values: FleetValues, configPath: string): ConfigSection["vpc"] {
  const wanted = { subnetIds: values.subnetIds, securityGroupIds: values.securityGroupIds };
  // No gate, or answers that were not asked for because the config already has its VPC: nothing to add.
  if (wanted.subnetIds.length === 0 && wanted.securityGroupIds.length === 0) return undefined;
  const current = existing?.infrastructure?.vpc;
  if (!current) return wanted;
  const same = (a: string[], b: string[]) => a.length === b.length && a.every((item) => b.includes(item));
  if (same(current.subnetIds, wanted.subnetIds) && same(current.securityGroupIds, wanted.securityGroupIds)) return undefined;
  throw new UsageError(
    `infrastructure.vpc in ${configPath} names subnets ${current.subnetIds.join(", ")}, not the fleet's ${wanted.subnetIds.join(", ")}: gantry's gate functions run in one VPC. Put the fleet in that VPC (-c vpcId=…), or change infrastructure.vpc by hand.`,
  );
}

/** Loads the edited text from a temporary file beside the config and renames it over the config only when it holds the new app/env. */
async function writeChecked(path: string, text: string, app: string, env: string): Promise<void> {
  const temporary = join(dirname(path), `.${basename(path, ".ts")}.init-${process.pid}.ts`);
  writeFileSync(temporary, text);
  try {
    const loaded = await loadConfigFile(temporary);
    if (!loaded.apps[app]?.environments[env]) throw new UsageError(`the edited configuration has no apps.${app}.environments.${env}`);
  } catch (error) {
    rmSync(temporary, { force: true });
    const why = error instanceof Error ? error.message.replace(temporary, basename(path)) : String(error);
    throw new UsageError(`gantry init would leave ${basename(path)} invalid, so nothing was written: ${why.split("\n").join(" ")}`, { cause: error });
  }
  renameSync(temporary, path);
}

/** How a new config file at `path` imports defineConfig from this checkout. */
function importPathFrom(path: string): string {
  const target = fileURLToPath(new URL("../../functions/core/config/config.js", import.meta.url));
  const relativePath = relative(dirname(path), target);
  return relativePath.startsWith(".") ? relativePath : `./${relativePath}`;
}
