import { readFileSync } from "node:fs";
import type { StateMachineDefinition } from "aws-local-stepfunctions";
import { provideRuntime } from "../functions/aws/runtime.js";
import type { GantryConfig } from "../functions/core/config/config.js";
import type { PowerInput } from "../functions/core/power/power.js";
import { VirtualClock, type Clock } from "./clock.js";
import { LocalCloud, setActiveCloud, type LocalCloudOptions } from "./cloud/index.js";
import { ensureLocalDynamo } from "./dynamo-session.js";
import { powerHandlers, type LambdaHandler } from "./handlers.js";
import { runExecution, type RunOptions } from "./runner.js";
import type { ExecutionRecord } from "../functions/core/executions/execution-record.js";
import { createLocalRuntime } from "./runtime.js";
import { EXAMPLE_RELEASES } from "./example-release-ids.js";

/** The power definition, read from the same file the infrastructure deploys. */
export function loadPowerDefinition(): StateMachineDefinition {
  return JSON.parse(readFileSync(new URL("../statemachines/power.asl.json", import.meta.url), "utf8")) as StateMachineDefinition;
}

export interface PowerWorldOptions {
  config: GantryConfig;
  schedule: string;
  /** Whether the schedule's targets start out running (before a stop) or off (before a start). */
  running: boolean;
  /** Instances per tag target (default 1: a jumpbox). */
  instancesPerTag?: number;
  /** Instances per group target while running (default 2). */
  groupSize?: number;
  clock?: Clock;
  driver?: LocalCloudOptions["driver"];
  /** EC2 timings of the standalone instances (defaults: 30 s to start or stop, 120 s of status checks). */
  startSeconds?: number;
  statusCheckSeconds?: number;
}

/** A local cloud holding a schedule's targets, with gantry's clients pointed at it. */
export interface PowerWorld {
  cloud: LocalCloud;
  clock: Clock;
  config: GantryConfig;
  /** Instance ids per tag target, by the target's `key=value`. */
  instances: Record<string, string[]>;
}

/**
 * Builds what a schedule names: standalone instances carrying each tag target's tag, a hosted
 * zone for each DNS record (with the record in place when running), and each group, at its
 * size when running or at 0/0/0 with the size saved in its tag, as a stop leaves it.
 */
export function createPowerWorld(options: PowerWorldOptions): PowerWorld {
  const schedule = options.config.schedules?.[options.schedule];
  if (!schedule) throw new Error(`No schedule "${options.schedule}" in the configuration.`);
  const clock = options.clock ?? new VirtualClock();
  const cloud = new LocalCloud({ clock, ...(options.driver ? { driver: options.driver } : {}) });
  const instances: Record<string, string[]> = {};
  const zones = new Set<string>();
  for (const target of schedule.targets) {
    if (target.tag) {
      const [key = "", value = ""] = target.tag.split("=");
      instances[target.tag] = Array.from({ length: options.instancesPerTag ?? 1 }, () =>
        cloud.createInstance({
          state: options.running ? "running" : "stopped",
          tags: { [key]: value, Name: `${options.schedule}-${value}`, "gantry:release": EXAMPLE_RELEASES.first },
          ...(options.startSeconds !== undefined ? { startSeconds: options.startSeconds, stopSeconds: options.startSeconds } : {}),
          ...(options.statusCheckSeconds !== undefined ? { statusCheckSeconds: options.statusCheckSeconds } : {}),
        }),
      );
      if (target.dns && !zones.has(target.dns.hostedZoneId)) {
        zones.add(target.dns.hostedZoneId);
        cloud.createHostedZone(target.dns.hostedZoneId, target.dns.recordName.split(".").slice(1).join("."));
      }
      if (target.dns && options.running) {
        const addresses = (instances[target.tag] ?? []).flatMap((id) => cloud.instancePower(id).publicIp ?? []);
        cloud.dns.setRecord(target.dns.hostedZoneId, target.dns.recordName, "A", addresses, 60);
      }
    }
    if (target.autoScalingGroup) addGroup(cloud, target.autoScalingGroup, options.running, options.groupSize ?? 2);
  }
  setActiveCloud(cloud);
  provideRuntime(createLocalRuntime({ cloud, config: options.config }));
  return { cloud, clock, config: options.config, instances };
}

function addGroup(cloud: LocalCloud, name: string, running: boolean, size: number): void {
  const launchTemplateId = cloud.createLaunchTemplate({ name, imageId: "ami-0123456789abcdef0" });
  const targetGroupArn = cloud.createTargetGroup({ name: `${name}-1`.slice(0, 32) });
  const saved = { key: "gantry:power-saved-size", value: `min=1 desired=${size} max=${size + 2}`, propagateAtLaunch: false };
  cloud.createGroup({
    name,
    minSize: running ? 1 : 0,
    maxSize: running ? size + 2 : 0,
    desiredCapacity: running ? size : 0,
    availabilityZones: ["eu-west-1a", "eu-west-1b"],
    targetGroupArns: [targetGroupArn],
    launchTemplateId,
    tags: [{ key: "gantry:release", value: EXAMPLE_RELEASES.first, propagateAtLaunch: true }, ...(running ? [] : [saved])],
  });
}

let runs = 0;

/** Runs the power definition against the active local cloud (the lock table in local DynamoDB). */
export async function runLocalPower(
  world: Pick<PowerWorld, "clock">,
  input: PowerInput,
  options: Omit<RunOptions, "definition" | "input" | "clock" | "name" | "handlers"> & {
    name?: string;
    /** Handlers to use instead of the power Lambdas, by placeholder: lets a test act between two steps. */
    handlers?: Record<string, LambdaHandler>;
  } = {},
): Promise<ExecutionRecord> {
  await ensureLocalDynamo();
  const name = options.name ?? `${input.schedule}-${input.action}-${(++runs).toString(36)}${world.clock.now().toString(36)}`;
  const handlers = { ...powerHandlers, ...options.handlers };
  return runExecution({ ...options, name, definition: loadPowerDefinition(), input, clock: world.clock, handlers });
}
