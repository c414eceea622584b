import { RELEASE_TAG } from "../../functions/core/fleet.js";
import type { VirtualInstance } from "./model.js";

/** The tag gantry writes on the group and AWS propagates to each instance it launches: core's, so both sides read one name. */
export { RELEASE_TAG };

export interface ProbeResponse {
  status: number;
  body: string;
}

/**
 * What runs "inside" an instance. The cloud owns lifecycle and load-balancer state; the driver
 * answers what only the instance knows (is the app healthy, what does it say over HTTP). The
 * virtual driver keeps no processes; a process-backed driver can start one in `onLaunch`.
 */
export interface InstanceDriver {
  /** The instance was launched (EC2 state pending); a real driver starts booting it here. */
  onLaunch(instance: Readonly<VirtualInstance>): void;
  /** The instance reached EC2 state terminated; a real driver stops it here. */
  onTerminate(instance: Readonly<VirtualInstance>): void;
  /** Would a load balancer health check at time `at` pass? */
  isHealthy(instance: Readonly<VirtualInstance>, at: number): boolean;
  /**
   * The first time after `after` at which `isHealthy` may answer differently, or undefined if it
   * will not. Lets the health model jump over long stable stretches instead of replaying every
   * check; a driver that only knows health live returns `after + 1`.
   */
  nextHealthChange(instance: Readonly<VirtualInstance>, after: number): number | undefined;
  /** An HTTP GET of `path` on the instance's application port. */
  probe(instance: Readonly<VirtualInstance>, path: string, at: number): Promise<ProbeResponse>;
}

interface HealthChange {
  from: number;
  healthy: boolean;
}

/**
 * Scripted health: per release (from the instance's gantry:release tag) and per instance, each a
 * timeline of changes so health can flip at any moment, past checks stay as they were and the
 * health model can ask when the next flip is. Instances are healthy unless scripted otherwise.
 */
export class HealthScript {
  private readonly releases = new Map<string, HealthChange[]>();
  private readonly instances = new Map<string, HealthChange[]>();

  /** All instances of `releaseId` pass or fail health checks from `from` on. */
  setRelease(releaseId: string, healthy: boolean, from: number): void {
    insert(this.releases, releaseId, { from, healthy });
  }

  /** One instance passes or fails from `from` on, whatever its release does. */
  setInstance(instanceId: string, healthy: boolean, from: number): void {
    insert(this.instances, instanceId, { from, healthy });
  }

  isHealthy(instance: Readonly<VirtualInstance>, at: number): boolean {
    return valueAt(this.instances.get(instance.instanceId), at) ?? valueAt(this.releases.get(instance.tags.get(RELEASE_TAG) ?? ""), at) ?? true;
  }

  nextChange(instance: Readonly<VirtualInstance>, after: number): number | undefined {
    const own = nextAfter(this.instances.get(instance.instanceId), after);
    const release = nextAfter(this.releases.get(instance.tags.get(RELEASE_TAG) ?? ""), after);
    if (own === undefined) return release;
    if (release === undefined) return own;
    return Math.min(own, release);
  }
}

function insert(timelines: Map<string, HealthChange[]>, key: string, change: HealthChange): void {
  const timeline = (timelines.get(key) ?? []).filter((c) => c.from !== change.from);
  timeline.push(change);
  timeline.sort((a, b) => a.from - b.from);
  timelines.set(key, timeline);
}

function valueAt(timeline: HealthChange[] | undefined, at: number): boolean | undefined {
  let value: boolean | undefined;
  for (const change of timeline ?? []) {
    if (change.from > at) break;
    value = change.healthy;
  }
  return value;
}

function nextAfter(timeline: HealthChange[] | undefined, after: number): number | undefined {
  return timeline?.find((c) => c.from > after)?.from;
}

/**
 * Instances as state only: health comes from the script, and the app's endpoints are answered
 * from the instance's tags (`/health` 200 or 503, `/version` the release it was launched with).
 */
export class VirtualInstanceDriver implements InstanceDriver {
  constructor(private readonly script: HealthScript) {}

  onLaunch(): void {}

  onTerminate(): void {}

  isHealthy(instance: Readonly<VirtualInstance>, at: number): boolean {
    return this.script.isHealthy(instance, at);
  }

  nextHealthChange(instance: Readonly<VirtualInstance>, after: number): number | undefined {
    return this.script.nextChange(instance, after);
  }

  probe(instance: Readonly<VirtualInstance>, path: string, at: number): Promise<ProbeResponse> {
    if (path === "/health") {
      const healthy = this.isHealthy(instance, at);
      return Promise.resolve(healthy ? { status: 200, body: "ok" } : { status: 503, body: "unhealthy" });
    }
    if (path === "/version") {
      const release = instance.tags.get(RELEASE_TAG) ?? null;
      return Promise.resolve({ status: 200, body: JSON.stringify({ release }) });
    }
    return Promise.resolve({ status: 404, body: "not found" });
  }
}
