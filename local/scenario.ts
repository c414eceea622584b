import { readFileSync } from "node:fs";
import type { StateMachineDefinition } from "aws-local-stepfunctions";
import { provideRuntime } from "../functions/aws/runtime.js";
import type { CycleInputRaw, DeployInputRaw, ExecutionInputRaw } from "../functions/core/config/input.js";
import { VirtualClock, type Clock } from "./clock.js";
import { LocalCloud, setActiveCloud, type LocalCloudOptions } from "./cloud/index.js";
import { executionName } from "../functions/core/executions/naming.js";
import { ensureLocalDynamo } from "./dynamo-session.js";
import { runExecution, type RunOptions } from "./runner.js";
import type { ExecutionRecord } from "../functions/core/executions/execution-record.js";
import { createLocalRuntime, type LocalRuntimeOptions } from "./runtime.js";

/** The deploy definition, read from the same file the infrastructure deploys. */
export function loadDeployDefinition(): StateMachineDefinition {
  const path = new URL("../statemachines/deploy.asl.json", import.meta.url);
  return JSON.parse(readFileSync(path, "utf8")) as StateMachineDefinition;
}

export interface FleetOptions {
  instances: number;
  /** Headroom above desired for the surge (default: enough for a quarter of the fleet, at least 2). */
  maxSize?: number;
  minSize?: number;
  release?: string;
  app?: string;
  env?: string;
  zones?: number;
  targetGroups?: number;
  membership?: "all" | "spread";
  bootSeconds?: number;
  healthCheckIntervalSeconds?: number;
  healthyThreshold?: number;
  unhealthyThreshold?: number;
  deregistrationDelaySeconds?: number;
  /** Targets-per-target-group quota (AWS default 1,000; adjustable): the account's, as Service Quotas reports it. */
  maxTargets?: number;
  /** API and launch rates the fleet's cloud enforces (default none; `EC2_RATES` are EC2's). */
  apiRates?: LocalCloudOptions["apiRates"];
  /** How long an in-place deploy command takes on a virtual instance (default: the cloud's, 10 s). */
  deploySeconds?: number;
  clock?: Clock;
  /** What runs inside instances (default: virtual instances with scripted health). */
  driver?: LocalCloudOptions["driver"];
  /** Add the group to this local cloud instead of a new one (several apps/envs side by side). */
  cloud?: LocalCloud;
  /** Ages in seconds of the starting instances, in launch order (default: launched now). */
  ages?: number[];
  /** More of the runtime the fleet's steps run on (the local webhook's configuration, secret and starter). */
  runtime?: Omit<LocalRuntimeOptions, "cloud" | "clock">;
}

/** A local Auto Scaling group behind target groups, with gantry's AWS clients pointed at it. */
export interface LocalFleet {
  cloud: LocalCloud;
  clock: Clock;
  groupName: string;
  targetGroupArns: string[];
  launchTemplateId: string;
  /** A deploy input for this fleet; `overrides` replace top-level fields. */
  deployInput(release: string, overrides?: Partial<DeployInputRaw>): DeployInputRaw;
}

/** A cycle run's input for a local fleet: replace instances older than `maxAge`, one per batch. */
export function cycleInputOf(fleet: LocalFleet, maxAge: string, overrides: Partial<CycleInputRaw> = {}): CycleInputRaw {
  const { app, env, group, trigger } = fleet.deployInput("unused");
  return { app, env, mode: "cycle", group, cycle: { maxAge, batchSize: 1 }, trigger: trigger ?? { source: "local" }, ...overrides };
}

/**
 * Builds a fleet in a fresh local cloud and provides the runtime whose clients it answers:
 * every SDK call from `functions/aws` is answered by this cloud from now on, on its clock.
 */
export function createLocalFleet(options: FleetOptions): LocalFleet {
  const clock = options.cloud?.clock ?? options.clock ?? new VirtualClock();
  const cloud =
    options.cloud ??
    new LocalCloud({
      clock,
      ...(options.driver ? { driver: options.driver } : {}),
      ...(options.maxTargets !== undefined ? { targetsPerTargetGroup: options.maxTargets } : {}),
      ...(options.apiRates ? { apiRates: options.apiRates } : {}),
      ...(options.deploySeconds !== undefined ? { deploySeconds: options.deploySeconds } : {}),
    });
  const app = options.app ?? "hello";
  const env = options.env ?? "prod";
  const release = options.release ?? "v1";
  const zones = ["a", "b", "c", "d", "e", "f"].slice(0, options.zones ?? 3).map((letter) => `eu-west-1${letter}`);
  const launchTemplateId = cloud.createLaunchTemplate({ name: `${app}-${env}`, imageId: "ami-0123456789abcdef0" });
  const targetGroupArns = Array.from({ length: options.targetGroups ?? 1 }, (_, index) =>
    cloud.createTargetGroup({
      name: `${app}-${env}-${index + 1}`,
      healthCheckIntervalSeconds: options.healthCheckIntervalSeconds ?? 10,
      healthyThreshold: options.healthyThreshold ?? 2,
      unhealthyThreshold: options.unhealthyThreshold ?? 2,
      deregistrationDelaySeconds: options.deregistrationDelaySeconds ?? 30,
      ...(options.maxTargets !== undefined ? { maxTargets: options.maxTargets } : {}),
    }),
  );
  const groupName = `${app}-${env}`;
  cloud.createGroup({
    name: groupName,
    minSize: options.minSize ?? 1,
    maxSize: options.maxSize ?? options.instances + Math.max(2, Math.ceil(options.instances / 4)),
    desiredCapacity: options.instances,
    availabilityZones: zones,
    targetGroupArns,
    launchTemplateId,
    tags: [{ key: "gantry:release", value: release, propagateAtLaunch: true }],
    bootSeconds: options.bootSeconds ?? 60,
    targetGroupMembership: options.membership ?? "all",
    ...(options.ages ? { instanceAgesSeconds: options.ages } : {}),
  });
  setActiveCloud(cloud);
  provideRuntime(createLocalRuntime({ ...options.runtime, cloud }));
  return {
    cloud,
    clock,
    groupName,
    targetGroupArns,
    launchTemplateId,
    deployInput: (id, overrides = {}) => ({
      app,
      env,
      release: { id },
      group: { autoScalingGroupName: groupName, targetGroupArns },
      trigger: { source: "local" },
      ...overrides,
    }),
  };
}

/** Runs the deploy definition against the active local cloud. */
export async function runLocalDeploy(
  fleet: LocalFleet,
  input: ExecutionInputRaw,
  options: Omit<RunOptions, "definition" | "input" | "clock" | "name"> & { name?: string } = {},
): Promise<ExecutionRecord> {
  await ensureLocalDynamo();
  const name =
    options.name ?? executionName(input.app, input.env, input.release?.id ?? input.mode ?? "deploy", (++runs).toString(36) + fleet.clock.now().toString(36));
  return runExecution({ ...options, name, definition: loadDeployDefinition(), input, clock: fleet.clock });
}

let runs = 0;
