import { fileURLToPath } from "node:url";
import type { Clock } from "../clock.js";
import {
  InstanceUnreachableError,
  RELEASE_TAG,
  type DeployOutcome,
  type HealthFailure,
  type InstanceDriver,
  type ProbeResponse,
  type VirtualInstance,
} from "../cloud/index.js";
import { AppProcess } from "./app-process.js";
import { HealthTimeline } from "./health-timeline.js";
import { httpGet, type Address } from "./http-get.js";
import type { ReleaseBoot } from "./slug-boot.js";

/** The example app shipped with gantry. */
export const DEFAULT_APP_DIR = fileURLToPath(new URL("../../examples/hello-app/", import.meta.url));

export interface ProcessDriverOptions {
  /** The local cloud's clock: health results are stamped with its time. */
  clock: Clock;
  /** Directory with `server.mjs` and `releases/<id>/release.json` (default: examples/hello-app). */
  appDir?: string;
  /**
   * How an instance installs its release before it starts (local/process/slug-boot.ts: from the
   * release store, as the bootstrap does). Without it, the app runs from `appDir` directly.
   */
  boot?: ReleaseBoot;
  /** Extra environment for every app process, e.g. `{ RESPONSE_DELAY_MS: "20" }`. */
  env?: Record<string, string>;
  /** Real milliseconds between health checks of each process (default 150). */
  checkIntervalMs?: number;
  /** Real milliseconds a health check or probe may take (default 1,000). */
  checkTimeoutMs?: number;
  /** Real milliseconds between SIGTERM and SIGKILL (default 12,000: the app's own bound is 10 s). */
  stopGraceMs?: number;
  /** Real milliseconds an in-place deploy may wait for the new app to listen and pass /health (default 30,000). */
  deployTimeoutMs?: number;
}

/** Where and how an app process runs: the example app's directory, or an installed slug. */
interface AppLaunch {
  appDir: string;
  command?: string[];
  env?: Record<string, string>;
}

interface Managed {
  release: string;
  process: AppProcess;
  health: HealthTimeline;
  checking: boolean;
  lastCheck: string;
}

/**
 * Instances as real OS processes running a release of the example app. The cloud still owns
 * lifecycle and target state; this driver starts an app on launch, stops it on termination,
 * and checks each app's `/health` over HTTP on a real-time interval, so the target health the
 * cloud derives (thresholds, intervals on its clock) rests on what the process really answers.
 */
export class ProcessDriver implements InstanceDriver {
  private readonly managed = new Map<string, Managed>();
  /** Instances still installing their release, and why an install failed (the instance never serves). */
  private readonly booting = new Set<string>();
  private readonly bootFailures = new Map<string, string>();
  private readonly stopping = new Set<Promise<void>>();
  private readonly timer: NodeJS.Timeout;
  private stopped = false;
  private readonly appDir: string;
  private readonly checkTimeoutMs: number;
  private readonly stopGraceMs: number;

  constructor(private readonly options: ProcessDriverOptions) {
    this.appDir = options.appDir ?? DEFAULT_APP_DIR;
    this.checkTimeoutMs = options.checkTimeoutMs ?? 1000;
    this.stopGraceMs = options.stopGraceMs ?? 12_000;
    this.timer = setInterval(() => this.checkAll(), options.checkIntervalMs ?? 150);
  }

  /** Starts the app on the instance's release (its `gantry:release` tag). Warm instances too. */
  onLaunch(instance: Readonly<VirtualInstance>): void {
    // After stopAll nothing may start again; the instance simply never becomes healthy.
    if (this.stopped) return;
    const release = instance.tags.get(RELEASE_TAG) ?? "(no gantry:release tag)";
    const boot = this.options.boot;
    if (!boot) {
      this.start(instance.instanceId, release, { appDir: this.appDir });
      return;
    }
    const id = instance.instanceId;
    this.booting.add(id);
    boot(release).then(
      (booted) => {
        // Terminated (or everything stopped) while it was installing: nothing starts.
        if (!this.booting.delete(id) || this.stopped) return;
        this.start(id, release, { appDir: booted.dir, command: booted.command, env: booted.env });
      },
      (error: Error) => {
        this.booting.delete(id);
        this.bootFailures.set(id, `its release ${release} did not install: ${error.message}`);
      },
    );
  }

  private start(instanceId: string, release: string, how: AppLaunch): Managed {
    const app = new AppProcess({
      appDir: how.appDir,
      ...(how.command ? { command: how.command } : {}),
      release,
      instanceId,
      env: { ...how.env, ...this.options.env },
    });
    const entry: Managed = { release, process: app, health: new HealthTimeline(), checking: false, lastCheck: "not listening yet" };
    this.managed.set(instanceId, entry);
    void app.exited.then(() => entry.health.end(this.options.clock.now() + 1));
    return entry;
  }

  /**
   * An in-place deploy (SSM Run Command): installs `release` through `boot` as a launch does
   * (slugBoot keeps every release it installed, so going back to the previous one skips the
   * download), then stops the old app (SIGTERM: it drains in-flight requests), starts the new one
   * and waits until it listens and answers /health 200, at most `deployTimeoutMs` real
   * milliseconds. Exits non-zero with the reason when the install fails, the app exits or never
   * turns healthy; an install failure leaves the old app running.
   */
  async deploy(instance: Readonly<VirtualInstance>, release: string): Promise<DeployOutcome> {
    const id = instance.instanceId;
    const stdout: string[] = [`installing release ${release}`];
    const end = (exitCode: number, stderr = ""): DeployOutcome => ({
      exitCode,
      stdout: `${stdout.join("\n")}\n`,
      stderr: stderr && `${stderr}\n`,
      finishedAt: this.options.clock.now(),
    });
    if (this.stopped) return end(1, "the instance is shutting down");
    let how: AppLaunch;
    try {
      how = await this.install(release);
    } catch (error) {
      return end(1, `release ${release} did not install: ${(error as Error).message}`);
    }
    const old = this.managed.get(id);
    if (old?.process.running) {
      stdout.push(`stopping release ${old.release} (pid ${old.process.pid ?? "?"})`);
      old.health.end(this.options.clock.now() + 1);
      await old.process.stop(this.stopGraceMs);
    }
    if (this.stopped) return end(1, "the instance is shutting down");
    this.bootFailures.delete(id);
    const entry = this.start(id, release, how);
    stdout.push(`starting release ${release} (pid ${entry.process.pid ?? "?"})`);
    const deadline = performance.now() + (this.options.deployTimeoutMs ?? 30_000);
    const why = await this.untilHealthy(entry, deadline);
    if (why) return end(1, `release ${release} on ${id} ${why}`);
    stdout.push(`deployed ${release} on ${id}`);
    return end(0);
  }

  private async install(release: string): Promise<AppLaunch> {
    if (!this.options.boot) return { appDir: this.appDir };
    const booted = await this.options.boot(release);
    return { appDir: booted.dir, command: booted.command, env: booted.env };
  }

  /** Undefined once the app answers /health 200; else why it will not (exited, or still failing at the deadline). */
  private async untilHealthy(entry: Managed, deadline: number): Promise<string | undefined> {
    let last = "did not listen";
    for (;;) {
      if (!entry.process.running) return `exited: ${entry.process.describeExit()}`;
      const port = entry.process.port;
      if (port !== undefined) {
        try {
          const response = await httpGet({ host: "127.0.0.1", port }, "/health", this.checkTimeoutMs);
          if (response.status === 200) return undefined;
          last = `answered /health ${response.status}`;
        } catch (error) {
          last = `failed /health: ${(error as Error).message}`;
        }
      }
      if (performance.now() >= deadline) return `is not healthy: it ${last}`;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Stops the app (SIGTERM: it finishes in-flight requests) once EC2 terminates the instance. */
  onTerminate(instance: Readonly<VirtualInstance>): void {
    this.booting.delete(instance.instanceId);
    const entry = this.managed.get(instance.instanceId);
    if (!entry) return;
    entry.health.end(this.options.clock.now() + 1);
    this.track(entry.process.stop(this.stopGraceMs));
  }

  isHealthy(instance: Readonly<VirtualInstance>, at: number): boolean {
    return this.managed.get(instance.instanceId)?.health.healthyAt(at) ?? false;
  }

  nextHealthChange(instance: Readonly<VirtualInstance>, after: number): number | undefined {
    return this.managed.get(instance.instanceId)?.health.nextChange(after);
  }

  failureReason(instance: Readonly<VirtualInstance>, at: number): HealthFailure {
    return this.managed.get(instance.instanceId)?.health.failureAt(at) ?? "Target.FailedHealthChecks";
  }

  /** The app's own output (stdout and stderr) is the instance's console. */
  consoleOutput(instance: Readonly<VirtualInstance>): string[] {
    return this.managed.get(instance.instanceId)?.process.console() ?? [];
  }

  /** A real GET on the app; InstanceUnreachableError when it is not listening or refuses. */
  async probe(instance: Readonly<VirtualInstance>, path: string): Promise<ProbeResponse> {
    const address = this.addressOf(instance.instanceId);
    if (!address) throw new InstanceUnreachableError(instance.instanceId);
    try {
      return await httpGet(address, path, this.checkTimeoutMs);
    } catch (error) {
      throw Object.assign(new InstanceUnreachableError(instance.instanceId), { cause: error });
    }
  }

  /** Where the instance's app listens, while it is running and listening. */
  addressOf(instanceId: string): Address | undefined {
    const port = this.managed.get(instanceId)?.process.port;
    return port === undefined ? undefined : { host: "127.0.0.1", port };
  }

  /** The OS process id of the instance's app (also after it exited), for inspection. */
  pidOf(instanceId: string): number | undefined {
    return this.managed.get(instanceId)?.process.pid;
  }

  /** Every app process this driver started, running or not. */
  startedPids(): number[] {
    return [...this.managed.values()].flatMap((entry) => (entry.process.pid === undefined ? [] : [entry.process.pid]));
  }

  /** Ids of instances whose app is still running. */
  runningInstances(): string[] {
    return [...this.managed].filter(([, entry]) => entry.process.running).map(([id]) => id);
  }

  /**
   * Resolves once every instance's app listens and passes its latest health check; rejects
   * when one exits, or after `timeoutMs` real milliseconds, naming what each one lacks.
   */
  async waitUntilServing(instanceIds: readonly string[], timeoutMs: number): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const waiting = instanceIds.filter((id) => !this.serving(id));
      if (waiting.length === 0) return;
      const failed = waiting.find((id) => this.bootFailures.has(id));
      if (failed) throw new Error(`Instance ${failed} will not serve: ${this.bootFailures.get(failed)}.`);
      const gone = waiting
        .filter((id) => !this.booting.has(id))
        .map((id) => [id, this.managed.get(id)] as const)
        .find(([, entry]) => !entry?.process.running);
      if (gone)
        throw new Error(`Instance ${gone[0]} will not serve: ${gone[1] ? `its app exited (${gone[1].process.describeExit()})` : "no app was started for it"}.`);
      if (performance.now() >= deadline) {
        const why = waiting.map((id) => `${id}: ${this.booting.has(id) ? "installing its release" : this.managed.get(id)?.lastCheck}`).join("; ");
        throw new Error(`Not serving after ${timeoutMs} ms: ${why}.`);
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  /** Stops health checks and every app it started (SIGTERM, then SIGKILL); safe to call twice. */
  async stopAll(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    for (const entry of this.managed.values()) this.track(entry.process.stop(this.stopGraceMs));
    await Promise.all([...this.stopping]);
  }

  private serving(instanceId: string): boolean {
    const entry = this.managed.get(instanceId);
    return !!entry && entry.process.running && entry.health.healthyAt(Infinity);
  }

  private track(stop: Promise<void>): void {
    this.stopping.add(stop);
    void stop.finally(() => this.stopping.delete(stop));
  }

  private checkAll(): void {
    for (const entry of this.managed.values()) {
      const port = entry.process.port;
      // One check at a time per app: a slow answer must not pile up probes behind it.
      if (!entry.process.running || port === undefined || entry.checking) continue;
      entry.checking = true;
      httpGet({ host: "127.0.0.1", port }, "/health", this.checkTimeoutMs).then(
        (response) => this.settleCheck(entry, response.status === 200, `health check answered ${response.status}`, "Target.ResponseCodeMismatch"),
        (error: Error) => this.settleCheck(entry, false, `health check failed: ${error.message}`, checkFailure(error)),
      );
    }
  }

  private settleCheck(entry: Managed, healthy: boolean, detail: string, failure: HealthFailure): void {
    entry.checking = false;
    entry.lastCheck = detail;
    // +1: the cloud may have evaluated health at this very millisecond; the result is news after it.
    entry.health.record(this.options.clock.now() + 1, healthy, healthy ? undefined : failure);
  }
}

/** A check that got no answer: timed out (Target.Timeout), or no connection (Target.FailedHealthChecks). */
function checkFailure(error: Error): HealthFailure {
  return /took longer than/.test(error.message) || (error as NodeJS.ErrnoException).code === "ETIMEDOUT" ? "Target.Timeout" : "Target.FailedHealthChecks";
}
