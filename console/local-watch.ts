import type { ExecutionEvent } from "../functions/core/executions/execution-record.js";
import type { LiveFeed, WatchedFleet, WatchedLoad } from "./live-feed.js";

/**
 * Hooks that let the console watch a local deploy running in its own process: the deploy
 * reports its name and simulated group before its first state, then every event.
 */
export function watchLocalDeploy(feed: LiveFeed): { onStart(name: string, fleet: WatchedFleet): void; onEvent(event: ExecutionEvent): void } {
  let onEvent: ((event: ExecutionEvent) => void) | undefined;
  return {
    onStart: (name, fleet) => {
      onEvent = feed.watchDeploy(name, fleet);
    },
    onEvent: (event) => onEvent?.(event),
  };
}

/** The demo's hooks: its traffic from the moment the load starts, and each deploy's fleet by release. */
export function watchDemo(feed: LiveFeed): {
  onStarted(running: { fleet: WatchedFleet; load: WatchedLoad }): void;
  onDeployStart(release: string, execution: string): void;
  onEvent(release: string, event: ExecutionEvent): void;
  stop(): void;
} {
  let fleet: WatchedFleet | undefined;
  let stopTraffic: (() => void) | undefined;
  const deploys = new Map<string, (event: ExecutionEvent) => void>();
  return {
    onStarted: (running) => {
      fleet = running.fleet;
      stopTraffic = feed.watchTraffic(running.load, running.fleet.clock);
    },
    onDeployStart: (release, execution) => {
      if (fleet) deploys.set(release, feed.watchDeploy(execution, fleet));
    },
    onEvent: (release, event) => deploys.get(release)?.(event),
    stop: () => stopTraffic?.(),
  };
}
