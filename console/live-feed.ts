import type { ExecutionEvent } from "../functions/core/executions/execution-record.js";
import { sampleGroup, type FleetSample, type ObservedGroup } from "./fleet-samples.js";
import type { TrafficSample } from "./traffic-samples.js";

/** What a watched deploy's fleet is: the local cloud's group, on the execution's clock. */
export interface WatchedFleet {
  cloud: { snapshot(groupName: string): ObservedGroup };
  clock: { now(): number };
  groupName: string;
}

/** The load generator's running totals. */
export interface WatchedLoad {
  snapshot(): { total: number; failed: number };
}

/** Samples kept per execution: a long deploy keeps its shape, with repeats folded (see `append`). */
const MAX_SAMPLES = 5_000;
/** Executions whose samples are kept; the oldest go first. */
const MAX_EXECUTIONS = 50;

/**
 * What the console saw of deploys running in its own process (the demo's, and those its
 * actions start): fleet samples per execution and the traffic through the load balancer.
 * Listeners hear of every change; the console's event hub listens only while a page is open.
 */
export class LiveFeed {
  private readonly fleets = new Map<string, FleetSample[]>();
  private readonly traffic: TrafficSample[] = [];
  private readonly listeners = new Set<() => void>();
  private readonly timers = new Set<NodeJS.Timeout>();

  fleetOf(execution: string): readonly FleetSample[] | undefined {
    return this.fleets.get(execution);
  }

  trafficSamples(): readonly TrafficSample[] {
    return this.traffic;
  }

  /** Calls `listener` on every change until the returned function is called. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  listenerCount(): number {
    return this.listeners.size;
  }

  timerCount(): number {
    return this.timers.size;
  }

  /**
   * Watches the deploy `execution` on `fleet`: a sample on every event it reports and every
   * `everyMs` of real time until it reaches a Succeed or Fail state (Waits can be long on a real clock).
   */
  watchDeploy(execution: string, fleet: WatchedFleet, everyMs = 500): (event: ExecutionEvent) => void {
    if (this.fleets.size >= MAX_EXECUTIONS) this.fleets.delete(this.fleets.keys().next().value as string);
    const samples: FleetSample[] = [];
    this.fleets.set(execution, samples);
    const look = () => {
      append(samples, sampleGroup(fleet.cloud.snapshot(fleet.groupName), fleet.clock.now()));
      this.changed();
    };
    const timer = this.every(everyMs, look);
    look();
    return (event) => {
      look();
      if (event.kind === "entered" && (event.step.type === "Succeed" || event.step.type === "Fail")) this.stop(timer);
    };
  }

  /** Samples the load's totals every `everyMs` until the returned function is called. */
  watchTraffic(load: WatchedLoad, clock: { now(): number }, everyMs = 500): () => void {
    const look = () => {
      const { total, failed } = load.snapshot();
      this.traffic.push({ at: clock.now(), realMs: performance.now(), total, failed });
      if (this.traffic.length > MAX_SAMPLES) this.traffic.splice(0, this.traffic.length - MAX_SAMPLES);
      this.changed();
    };
    look();
    const timer = this.every(everyMs, look);
    return () => {
      look();
      this.stop(timer);
    };
  }

  /** Stops every timer the feed runs. */
  close(): void {
    for (const timer of this.timers) clearInterval(timer);
    this.timers.clear();
  }

  private every(ms: number, run: () => void): NodeJS.Timeout {
    const timer = setInterval(run, ms);
    timer.unref();
    this.timers.add(timer);
    return timer;
  }

  private stop(timer: NodeJS.Timeout): void {
    clearInterval(timer);
    this.timers.delete(timer);
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }
}

/** Adds a sample; a run of identical ones keeps only its first and last, so an idle wait costs two points. */
function append(samples: FleetSample[], sample: FleetSample): void {
  const last = samples.at(-1);
  const beforeLast = samples.at(-2);
  if (last && beforeLast && same(last, sample) && same(beforeLast, sample)) samples[samples.length - 1] = sample;
  else samples.push(sample);
  if (samples.length > MAX_SAMPLES) samples.splice(1, samples.length - MAX_SAMPLES);
}

function same(a: FleetSample, b: FleetSample): boolean {
  return a.desired === b.desired && a.serving === b.serving && JSON.stringify(a.counts) === JSON.stringify(b.counts);
}
