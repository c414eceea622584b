import { planBatchSizes, shareOf } from "../rollout/batches.js";
import { ageSeconds, formatAge } from "./cycle-age.js";
import type { CycleBatchSize } from "./cycle-config.js";
import { InvalidConfigError, NoReleaseToCycleError, RolloutInProgressError } from "../errors.js";
import { RELEASE_TAG, isCounted, launchedSince, type FleetSplit, type ObservedGroup, type ObservedInstance } from "../fleet.js";
import { environmentOf, type GantryConfig } from "../config/config.js";
import type { CycleInputRaw, ExecutionInputRaw } from "../config/input.js";

/**
 * Instance cycling: a deploy run in `cycle` mode. The release stays what the group runs; the
 * instances to replace are those launched before `replaceLaunchedBefore` (the run's start minus
 * maxAge). Everything else — surge, gates, bake, retire, rollback — is the deploy engine's.
 */
export interface CyclePlan {
  maxAge: string;
  /** Epoch ms: instances launched earlier are replaced; every instance launched later is new. */
  replaceLaunchedBefore: number;
  /**
   * Old instances this run leaves for the next one: what did not fit in `maxBatchesPerRun`
   * batches. The split is by age, so the next scheduled run picks them up first.
   */
  leftForNextRun?: number;
}

/**
 * The complete execution input of a cycle run of `app`/`env`, from the configuration alone. The
 * infrastructure stores it as static JSON in an EventBridge Scheduler schedule, so it names no
 * release: the run reads the release from the group's `gantry:release` tag and keeps it.
 */
export function cycleInputFor(config: GantryConfig, app: string, env: string, trigger: NonNullable<ExecutionInputRaw["trigger"]>): CycleInputRaw {
  const environment = environmentOf(config, app, env);
  const cycling = environment.cycling;
  if (!cycling) {
    throw new InvalidConfigError(
      `apps.${app}.environments.${env}.cycling is not configured; add e.g. cycling: { maxAge: "14d", schedule: { cron: "cron(0 3 ? * SUN *)", timezone: "Europe/London" }, batchSize: 1 }.`,
    );
  }
  return {
    app,
    env,
    mode: "cycle",
    group: environment.group,
    strategy: environment.strategy,
    gates: environment.gates,
    cycle: {
      maxAge: cycling.maxAge,
      batchSize: cycling.batchSize,
      ...(cycling.maxBatchesPerRun !== undefined ? { maxBatchesPerRun: cycling.maxBatchesPerRun } : {}),
    },
    trigger,
  };
}

/**
 * The release a cycle keeps: the group's `gantry:release` tag, which every instance it launches
 * inherits. Refuses a group without one, and a group whose instances run another release (a
 * deploy left unfinished): replacing those would change what they run.
 */
export function cycleRelease(group: ObservedGroup): string {
  const release = group.tags[RELEASE_TAG];
  if (!release) {
    throw new NoReleaseToCycleError(
      `Group "${group.name}" has no ${RELEASE_TAG} tag, so a cycle cannot tell which release its new instances should run; deploy a release with gantry first.`,
    );
  }
  const others = group.instances.filter((instance) => isCounted(instance) && !instance.releaseUnknown && instance.release !== release);
  if (others.length > 0) {
    const shown = others
      .slice(0, 5)
      .map((instance) => `${instance.id} (${instance.release ?? "untagged"})`)
      .join(", ");
    throw new RolloutInProgressError(
      `Group "${group.name}" is tagged ${release} but ${others.length} instance(s) run another release: ${shown}; a deploy is unfinished. Deploy ${release} (or the release you want) before cycling.`,
    );
  }
  return release;
}

/** The cycle settings of a run starting at `now`. */
export function planCycle(maxAge: string, now: number): CyclePlan {
  const seconds = ageSeconds(maxAge);
  if (seconds === undefined) throw new InvalidConfigError(`cycle.maxAge "${maxAge}" is not an age such as "14d"; fix the cycling configuration.`);
  return { maxAge, replaceLaunchedBefore: now - seconds * 1000 };
}

/**
 * Old and new in a cycle run, by launch time. An instance launched before the cutoff is old;
 * one launched since is new (the run's launches and the group's own). During a rollback,
 * instances launched after the rollback began stand in for terminated old ones (a rollback
 * relaunches what `retire: "terminate"` removed), so they count as old: kept, not removed.
 * An instance EC2 gives no launch time for is taken as old.
 */
export function cycleSplit(cycle: CyclePlan, rollbackFrom?: number): FleetSplit {
  const isOld = (instance: ObservedInstance) => {
    if (!launchedSince(instance, cycle.replaceLaunchedBefore)) return true;
    return rollbackFrom !== undefined && launchedSince(instance, rollbackFrom);
  };
  return { isOld, labels: { fresh: `under ${cycle.maxAge}`, old: `over ${cycle.maxAge}` } };
}

/**
 * Batch sizes of a cycle: `batchSize` instances at a time (a share is of the group's desired
 * capacity, not of the old instances: "25%" keeps a quarter of the fleet in flight at most), and
 * no more than `maxBatches` of them: a run has to fit the state machine's time and history.
 */
export function cycleBatchSizes(batchSize: CycleBatchSize, desiredCapacity: number, toReplace: number, maxBatches = Number.POSITIVE_INFINITY): number[] {
  const size = typeof batchSize === "number" ? batchSize : Math.max(1, shareOf(Number.parseFloat(batchSize), desiredCapacity));
  return planBatchSizes([size], toReplace).slice(0, maxBatches);
}

/** "i-0abc (eu-west-1a, 15d 3h)": one instance of a cycle preview. */
export interface AgedInstance {
  id: string;
  zone: string;
  ageSeconds: number;
}

export function agedInstance(instance: ObservedInstance, now: number): AgedInstance {
  return { id: instance.id, zone: instance.availabilityZone, ageSeconds: Math.round((now - (instance.launchedAt ?? 0)) / 1000) };
}

export function describeAged(instance: AgedInstance): string {
  return `${instance.id} (${instance.zone}, ${formatAge(instance.ageSeconds)})`;
}
