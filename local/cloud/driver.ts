import { RELEASE_TAG } from "../../functions/core/fleet.js";
import { InstanceUnreachableError } from "./errors.js";
import type { VirtualInstance } from "./model.js";

/** The tag gantry writes on the group and AWS propagates to each instance it launches: core's, so both sides read one name. */
export { RELEASE_TAG };

/**
 * The release the instance's app runs: the last one an in-place deploy installed, else the one it
 * was launched with (its `gantry:release` tag). Gantry tags an instance after deploying to it, so
 * the two differ only while a deploy is between running the command and tagging.
 */
export function runningRelease(instance: Readonly<VirtualInstance>): string | undefined {
  return instance.runningRelease ?? instance.tags.get(RELEASE_TAG);
}

export interface ProbeResponse {
  status: number;
  body: string;
}

/**
 * Why a health check failed, as ELB's TargetHealth reason codes say it: the app answered another
 * code, did not answer in time, or no connection could be made (a stopped or killed app).
 */
export type HealthFailure = "Target.ResponseCodeMismatch" | "Target.Timeout" | "Target.FailedHealthChecks";

/** How a deploy command ended on an instance: what Run Command reports for its invocation. */
export interface DeployOutcome {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** Cloud time at which the command finished. */
  finishedAt: number;
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
  /** Why a health check at `at` fails (asked only when `isHealthy` says it does); default ResponseCodeMismatch. */
  failureReason?(instance: Readonly<VirtualInstance>, at: number): HealthFailure;
  /** The instance's console output as of `at`, one entry a line: what EC2 GetConsoleOutput shows. */
  consoleOutput?(instance: Readonly<VirtualInstance>, at: number): string[];
  /**
   * Runs the deploy command of an in-place deploy (SSM Run Command), started at `at`: install
   * `release` and switch the instance's app to it. A plain answer says when it finishes on the
   * cloud's clock (the virtual driver); a promise finishes when it settles (a real process). It
   * neither tags the instance nor records its running release: the cloud records the release when
   * the command exits 0, and gantry tags the instance.
   */
  deploy?(instance: Readonly<VirtualInstance>, release: string, at: number): DeployOutcome | Promise<DeployOutcome>;
}

interface HealthChange {
  from: number;
  healthy: boolean;
  /** How a failing instance fails; undefined: it answers 503. */
  failure?: HealthFailure;
}

/**
 * Scripted health: per release (the release the instance runs, see `runningRelease`) and per instance, each a
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

  /** One instance passes or fails from `from` on, whatever its release does; `failure` says how it fails. */
  setInstance(instanceId: string, healthy: boolean, from: number, failure?: HealthFailure): void {
    insert(this.instances, instanceId, { from, healthy, ...(failure ? { failure } : {}) });
  }

  isHealthy(instance: Readonly<VirtualInstance>, at: number): boolean {
    return this.changeAt(instance, at)?.healthy ?? true;
  }

  /** How the instance fails a check at `at`: a scripted failure, else a 503 (ResponseCodeMismatch). */
  failureAt(instance: Readonly<VirtualInstance>, at: number): HealthFailure {
    return this.changeAt(instance, at)?.failure ?? "Target.ResponseCodeMismatch";
  }

  private changeAt(instance: Readonly<VirtualInstance>, at: number): HealthChange | undefined {
    return changeAt(this.instances.get(instance.instanceId), at) ?? changeAt(this.releases.get(runningRelease(instance) ?? ""), at);
  }

  nextChange(instance: Readonly<VirtualInstance>, after: number): number | undefined {
    const own = nextAfter(this.instances.get(instance.instanceId), after);
    const release = nextAfter(this.releases.get(runningRelease(instance) ?? ""), after);
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

function changeAt(timeline: HealthChange[] | undefined, at: number): HealthChange | undefined {
  let value: HealthChange | undefined;
  for (const change of timeline ?? []) {
    if (change.from > at) break;
    value = change;
  }
  return value;
}

function nextAfter(timeline: HealthChange[] | undefined, after: number): number | undefined {
  return timeline?.find((c) => c.from > after)?.from;
}

/**
 * Instances as state only: health comes from the script, and the app's endpoints are answered
 * from the instance's state (`/health` 200 or 503, `/version` the release it runs).
 */
export class VirtualInstanceDriver implements InstanceDriver {
  private readonly deployMs: number;

  /** `deploySeconds`: how long an in-place deploy takes on the cloud's clock (default 10). */
  constructor(
    private readonly script: HealthScript,
    options: { deploySeconds?: number } = {},
  ) {
    this.deployMs = (options.deploySeconds ?? 10) * 1000;
  }

  /** Always succeeds after `deploySeconds`; scripted failures come from the cloud's `failNextDeploy`. */
  deploy(instance: Readonly<VirtualInstance>, release: string, at: number): DeployOutcome {
    const previous = runningRelease(instance) ?? "(none)";
    const stdout = [
      `installing release ${release}`,
      `stopping release ${previous}`,
      `starting release ${release}`,
      `deployed ${release} on ${instance.instanceId}`,
    ];
    return { exitCode: 0, stdout: `${stdout.join("\n")}\n`, stderr: "", finishedAt: at + this.deployMs };
  }

  onLaunch(): void {}

  onTerminate(): void {}

  isHealthy(instance: Readonly<VirtualInstance>, at: number): boolean {
    return this.script.isHealthy(instance, at);
  }

  nextHealthChange(instance: Readonly<VirtualInstance>, after: number): number | undefined {
    return this.script.nextChange(instance, after);
  }

  failureReason(instance: Readonly<VirtualInstance>, at: number): HealthFailure {
    return this.script.failureAt(instance, at);
  }

  /**
   * A few synthetic boot lines, as a Linux instance's serial console shows them, then what the
   * scripted app says: serving, answering 503, or not answering at all.
   */
  consoleOutput(instance: Readonly<VirtualInstance>, at: number): string[] {
    const release = runningRelease(instance) ?? "(no gantry:release tag)";
    const lines = [
      `[    0.000000] Linux version 6.1.0-amazon (virtual instance ${instance.instanceId})`,
      `[    2.104512] cloud-init[612]: Cloud-init v. 23.4 running 'init' at ${new Date(instance.launchTime).toUTCString()}.`,
      `[    4.518220] cloud-init[781]: gantry: starting release ${release}`,
    ];
    if (instance.bootedAt === undefined && at < instance.launchTime + 1000) return lines.slice(0, 1);
    if (instance.failLaunchWith !== undefined) return [...lines, `[   31.007311] cloud-init[781]: gantry: release ${release} did not start`];
    if (!this.isHealthy(instance, at)) {
      const how = this.failureReason(instance, at) === "Target.ResponseCodeMismatch" ? "GET /health answered 503" : "app is not listening (connection refused)";
      return [...lines, `[    6.920004] hello-app[802]: ${release} on ${instance.instanceId}: ${how}`];
    }
    return [...lines, `[    6.920004] hello-app[802]: ${release} on ${instance.instanceId}: listening on 8080`];
  }

  probe(instance: Readonly<VirtualInstance>, path: string, at: number): Promise<ProbeResponse> {
    if (!this.isHealthy(instance, at) && this.failureReason(instance, at) !== "Target.ResponseCodeMismatch") {
      return Promise.reject(new InstanceUnreachableError(instance.instanceId));
    }
    if (path === "/health") {
      const healthy = this.isHealthy(instance, at);
      return Promise.resolve(healthy ? { status: 200, body: "ok" } : { status: 503, body: "unhealthy" });
    }
    if (path === "/version") {
      const release = runningRelease(instance) ?? null;
      return Promise.resolve({ status: 200, body: JSON.stringify({ release }) });
    }
    return Promise.resolve({ status: 404, body: "not found" });
  }
}
