import type { GantryConfig } from "../functions/core/config/config.js";
import { cycleInputFor, type AgedInstance } from "../functions/core/cycle/cycle.js";
import { summarizeExecution, type ExecutionEvent, type ExecutionRecord, type ExecutionSummary } from "../functions/core/executions/execution-record.js";
import { executionName } from "../functions/core/executions/naming.js";
import type { BatchPreview, RolloutPlan } from "../functions/core/rollout/plan.js";
import { VirtualClock } from "./clock.js";
import { applyExampleReleaseHealth } from "./example-releases.js";
import { ExecutionStore } from "./records.js";
import { createLocalFleet, runLocalDeploy, type LocalFleet } from "./scenario.js";
import { watchFleet } from "./watch.js";
import type { OperatorRequestStore } from "../functions/core/operator/requests.js";

export interface LocalCycleRequest {
  config: GantryConfig;
  app: string;
  env: string;
  /** The simulated group: its size, the release it runs, its instances' ages in launch order (seconds). */
  instances: number;
  release: string;
  ages: number[];
  /** The local cloud's clock at the start (epoch ms). */
  startAt: number;
  dryRun?: boolean;
  actor: string;
  onEvent?: (event: ExecutionEvent) => void;
  /** Where its steps read operator requests (default: the in-process table); the CLI passes files, so `gantry abort --local` reaches it. */
  operatorRequests?: OperatorRequestStore;
}

/** An instance of the simulated group with its age and release. */
export type GroupInstance = AgedInstance & { release: string };

export interface LocalCycleResult extends ExecutionSummary {
  ending: string;
  maxAge: string;
  toReplace?: number;
  kept?: number;
  batchSizes?: number[];
  preview?: readonly BatchPreview[];
  replaced: AgedInstance[];
  launched: string[];
  /** The fewest instances serving at any moment observed. */
  minServing: number;
}

export interface LocalCycle {
  /** The group as it is before the run starts, and the run itself. */
  before: GroupInstance[];
  run(): Promise<{ result: LocalCycleResult; record: ExecutionRecord; plan?: RolloutPlan; after: GroupInstance[]; recordedIn: string }>;
  batchSize: string | number;
  maxAge: string;
}

/**
 * A cycle run of an app/env on a simulated group of instances of the given ages, through the
 * real definition and handlers, with the configuration's cycling settings; recorded under
 * `.gantry/` like any local execution.
 */
export function prepareLocalCycle(request: LocalCycleRequest): LocalCycle {
  const input = { ...cycleInputFor(request.config, request.app, request.env, { source: "cli", actor: request.actor }), dryRun: Boolean(request.dryRun) };
  const fleet = createLocalFleet({
    instances: request.instances,
    release: request.release,
    app: request.app,
    env: request.env,
    ages: request.ages,
    clock: new VirtualClock(request.startAt),
    ...(request.operatorRequests ? { runtime: { operatorRequests: request.operatorRequests } } : {}),
  });
  applyExampleReleaseHealth(fleet.cloud);
  const before = groupOf(fleet);
  return {
    before,
    batchSize: input.cycle.batchSize ?? 1,
    maxAge: input.cycle.maxAge,
    run: async () => {
      const name = executionName(request.app, request.env, "cycle", Date.now().toString(36));
      const store = new ExecutionStore();
      const watch = watchFleet(fleet);
      const record = await runLocalDeploy(
        fleet,
        { ...input, group: fleet.deployInput(request.release).group },
        {
          ...watch,
          name,
          onEvent: (event) => {
            watch.onEvent(event);
            request.onEvent?.(event);
          },
          onRecord: (current) => store.save(current),
        },
      );
      store.save(record);
      const plan = (record.output as { plan?: RolloutPlan } | undefined)?.plan ?? planOf(record.steps.map((step) => step.output));
      const after = groupOf(fleet);
      const result: LocalCycleResult = {
        ...summarizeExecution(record, fleet.clock.now()),
        ending: record.steps.at(-1)?.state ?? "(not started)",
        maxAge: input.cycle.maxAge,
        ...(plan ? { release: plan.release, toReplace: plan.toReplace, kept: plan.alreadyOnRelease, batchSizes: plan.batchSizes } : {}),
        ...(plan?.preview ? { preview: plan.preview } : {}),
        replaced: before.filter((old) => !after.some((instance) => instance.id === old.id)).map(({ id, zone, ageSeconds }) => ({ id, zone, ageSeconds })),
        launched: after.filter((instance) => !before.some((old) => old.id === instance.id)).map((instance) => instance.id),
        minServing: watch.minServing(),
      };
      return { result, record, ...(plan ? { plan } : {}), after, recordedIn: store.dir };
    },
  };
}

function groupOf(fleet: LocalFleet): GroupInstance[] {
  const now = fleet.clock.now();
  return fleet.cloud.snapshot(fleet.groupName).instances.map((instance) => ({
    id: instance.instanceId,
    zone: instance.availabilityZone,
    ageSeconds: Math.round((now - instance.launchTime) / 1000),
    release: instance.release ?? "untagged",
  }));
}

/** The plan as "Plan rollout" wrote it, from the states' outputs (a run that failed has no final output). */
function planOf(outputs: unknown[]): RolloutPlan | undefined {
  const found = [...outputs].reverse().find((output) => (output as { plan?: { batchCount?: number } } | undefined)?.plan?.batchCount !== undefined);
  return (found as { plan?: RolloutPlan } | undefined)?.plan;
}
