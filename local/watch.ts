import type { LocalFleet } from "./scenario.js";
import type { ExecutionEvent } from "../functions/core/executions/execution-record.js";

/**
 * Watches a local deploy as it runs: the serving count on every state change and every few
 * seconds of simulated time, and every instance ever launched (to prove nothing launched twice).
 */
export function watchFleet(fleet: LocalFleet, tickMs = 5_000) {
  let minServing = Number.POSITIVE_INFINITY;
  let observations = 0;
  const launched = new Set<string>();
  const look = () => {
    const snapshot = fleet.cloud.snapshot(fleet.groupName);
    minServing = Math.min(minServing, snapshot.serving);
    observations++;
    for (const instance of snapshot.instances) launched.add(instance.instanceId);
  };
  return {
    onEvent: (_event: ExecutionEvent) => look(),
    onTick: look,
    tickMs,
    /** The fewest instances that were serving at any moment observed. */
    minServing: () => minServing,
    observations: () => observations,
    launched,
  };
}

/**
 * Breaks the app on the instances launched by batch `batch` (1-based) only, as a release that
 * fails on some hosts would: their health checks fail from launch on.
 */
export function breakBatch(fleet: LocalFleet, batch: number): (event: ExecutionEvent) => void {
  let launches = 0;
  const before = new Set<string>();
  return (event) => {
    const instances = fleet.cloud.snapshot(fleet.groupName).instances;
    if (event.kind !== "exited" || event.step.state !== "Launch batch") {
      if (launches < batch) for (const instance of instances) before.add(instance.instanceId);
      return;
    }
    if (++launches !== batch) return;
    for (const instance of instances) {
      if (!before.has(instance.instanceId)) fleet.cloud.setInstanceHealth(instance.instanceId, false);
    }
  };
}

/** Release, lifecycle and count of a fleet's instances, for whole-fleet assertions. */
export function fleetState(fleet: LocalFleet) {
  const snapshot = fleet.cloud.snapshot(fleet.groupName);
  return {
    desired: snapshot.desiredCapacity,
    maxSize: snapshot.maxSize,
    suspended: snapshot.suspendedProcesses,
    releases: snapshot.instances.map((instance) => `${instance.release}:${instance.lifecycle}`).sort(),
    ids: snapshot.instances.map((instance) => instance.instanceId).sort(),
    serving: snapshot.serving,
  };
}
