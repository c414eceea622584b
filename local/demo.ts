import { ScaledClock } from "./clock.js";
import { startBalancer } from "./balancer/index.js";
import { startLoad, type Load, type LoadReport } from "./load/index.js";
import { createProcessDriver } from "./process/index.js";
import { ExecutionStore } from "./records.js";
import type { ExecutionEvent } from "../functions/core/executions/execution-record.js";
import { createLocalFleet, runLocalDeploy, type LocalFleet } from "./scenario.js";
import { executionName } from "../functions/core/executions/naming.js";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { provideRuntime } from "../functions/aws/runtime.js";
import { EXAMPLE_RELEASES, buildExampleReleases } from "./example-releases.js";
import { slugBoot } from "./process/slug-boot.js";
import { createLocalRuntime } from "./runtime.js";
import { startLocalS3 } from "./s3/index.js";

/**
 * The demo's timings, in the local cloud's seconds: AWS's shape (boot, health checks at an
 * interval with a threshold, deregistration delay, bake) at a tenth of its size, then run ten
 * times faster than real time by the clock.
 */
export const DEMO_TIMINGS = {
  clockFactor: 10,
  bootSeconds: 20,
  healthCheckIntervalSeconds: 5,
  healthyThreshold: 2,
  deregistrationDelaySeconds: 10,
  bakeSeconds: 10,
  pollSeconds: 5,
};

export interface DemoDeploy {
  release: string;
  status: "succeeded" | "rolled back" | "failed";
  execution: string;
  durationMs: number;
  batches: number;
  cause?: string;
}

export interface DemoSummary {
  /** How the deploys ran: new instances replacing old ones, or the deploy command on the same instances. */
  mode: "replace" | "in-place";
  /** The example's releases as `gantry release create` built them into the local release store. */
  releases: { releaseId: string; slugBytes: number; outcome: "created" | "exists" }[];
  deploys: DemoDeploy[];
  requests: { total: number; failed: number; byStatus: Record<string, number>; errors: string[] };
  /** The release every instance reports on /version, or "mixed". */
  finalRelease: string;
  instances: { id: string; release: string }[];
  durationMs: number;
  ok: boolean;
}

export interface DemoOptions {
  instances?: number;
  /** Requests per second through the load balancer while the demo runs. */
  rate?: number;
  onEvent?: (release: string, event: ExecutionEvent) => void;
  onNote?: (text: string) => void;
  /** Called once the fleet serves and the load runs (the console watches both). */
  onStarted?: (running: { fleet: LocalFleet; load: Load }) => void;
  /** Called as each deploy gets its execution name, before its first state. */
  onDeployStart?: (release: string, execution: string) => void;
  /** Put in every app process's environment as GANTRY_RUN_ID, so a check can find strays. */
  runId?: string;
  /**
   * Deploy in place: each batch leaves the load balancer, runs the release's deploy command on
   * the same processes' hosts (install the slug, restart the app) and comes back, instead of new
   * instances replacing old ones. Half the fleet serves while the other half deploys.
   */
  inPlace?: boolean;
}

/**
 * gantry's main job on one machine: the example's three releases built into a local release
 * store (s3rver) by `gantry release create`'s code, a fleet of real app processes booted from
 * the first one's slug behind a local load balancer under steady traffic; a deploy of the
 * second, which succeeds, then of the third, whose health check fails and which rolls itself back. `shutdown()` stops every process and port, whatever
 * happened; `run()` calls it on the way out.
 */
export class Demo {
  private readonly closers: (() => Promise<unknown>)[] = [];
  private shutDown?: Promise<void>;
  private readonly started = { pids: () => [] as number[], ports: [] as number[] };

  constructor(private readonly options: DemoOptions = {}) {}

  async run(): Promise<DemoSummary> {
    try {
      return await this.play();
    } finally {
      await this.shutdown();
    }
  }

  /** Every process and port the demo opened so far (for checking that shutdown closed them). */
  resources(): { pids: number[]; ports: number[] } {
    return { pids: this.started.pids(), ports: [...this.started.ports] };
  }

  /** Stops load, balancer and every instance process; safe to call more than once. */
  shutdown(): Promise<void> {
    this.shutDown ??= (async () => {
      for (const close of this.closers.reverse()) await close().catch(() => undefined);
    })();
    return this.shutDown;
  }

  private async play(): Promise<DemoSummary> {
    const started = performance.now();
    const note = this.options.onNote ?? (() => undefined);
    const timings = DEMO_TIMINGS;
    const clock = new ScaledClock(timings.clockFactor);
    const s3 = await startLocalS3();
    this.closers.push(() => s3.close());
    const hosts = mkdtempSync(join(tmpdir(), "gantry-demo-hosts-"));
    this.closers.push(async () => rmSync(hosts, { recursive: true, force: true }));
    provideRuntime(createLocalRuntime({ releaseBucket: s3.bucket }));
    const built = await buildExampleReleases("hello", "prod");
    note(
      `built ${built.length} releases of examples/hello-app into the local release store (s3rver): ${built.map((release) => `${release.releaseId} (${release.slugBytes} bytes)`).join(", ")}`,
    );
    const driver = createProcessDriver({
      clock,
      boot: slugBoot({ app: "hello", env: "prod", root: hosts }),
      ...(this.options.runId ? { env: { GANTRY_RUN_ID: this.options.runId } } : {}),
    });
    this.closers.push(() => driver.stopAll());
    this.started.pids = () => driver.startedPids();
    const fleet = createLocalFleet({
      ...timings,
      instances: this.options.instances ?? 4,
      release: EXAMPLE_RELEASES.first,
      clock,
      driver: () => driver,
      runtime: { releaseBucket: s3.bucket },
    });
    const ids = fleet.cloud.snapshot(fleet.groupName).instances.map((instance) => instance.instanceId);
    note(`starting ${ids.length} instances of examples/hello-app on ${EXAMPLE_RELEASES.first} (real processes, booted from its slug)`);
    note(
      `timings in cloud seconds: boot ${timings.bootSeconds} s, health checks every ${timings.healthCheckIntervalSeconds} s (threshold ${timings.healthyThreshold}), ` +
        `deregistration delay ${timings.deregistrationDelaySeconds} s, bake ${timings.bakeSeconds} s; the local cloud's clock runs ${timings.clockFactor}× faster than real time`,
    );
    await driver.waitUntilServing(ids, 15_000);
    // The processes answer; wait until the load balancer's own checks count every one serving.
    await until(() => fleet.cloud.servingCount(fleet.groupName) === ids.length, 15_000, "the starting fleet to pass its health checks");
    const balancer = await startBalancer({ cloud: fleet.cloud, targetGroupArn: fleet.targetGroupArns[0] as string, driver });
    this.closers.push(() => balancer.close());
    this.started.ports.push(balancer.port);
    const load = startLoad({ url: `${balancer.url}/`, ratePerSecond: this.options.rate ?? 40, concurrency: 16 });
    this.closers.push(() => load.stop());
    note(`load balancer on ${balancer.url}, ${this.options.rate ?? 40} requests/s of steady traffic`);
    this.options.onStarted?.({ fleet, load });

    const store = new ExecutionStore();
    const deploys: DemoDeploy[] = [];
    for (const release of [EXAMPLE_RELEASES.second, EXAMPLE_RELEASES.failing]) {
      const deployStarted = performance.now();
      const input = fleet.deployInput(release, {
        strategy: {
          ...(this.options.inPlace ? { mode: "in-place" as const, minHealthyPercent: 50 } : {}),
          batches: ["50%"],
          bakeSeconds: timings.bakeSeconds,
          pollSeconds: timings.pollSeconds,
          launchTimeoutSeconds: 120,
          healthTimeoutSeconds: 120,
        },
        gates: { http: { port: 8080, healthPath: "/health", versionPath: "/version" }, alarms: [] },
      });
      const name = executionName("hello", "prod", release, Date.now().toString(36));
      this.options.onDeployStart?.(release, name);
      const record = await runLocalDeploy(fleet, input, {
        name,
        onEvent: (event) => this.options.onEvent?.(release, event),
        onRecord: (current) => store.save(current),
      });
      const plan = record.steps.find((step) => step.state === "Plan rollout")?.output as { plan?: { batchCount?: number } } | undefined;
      deploys.push({
        release,
        status: record.status === "SUCCEEDED" ? "succeeded" : record.error === "DeployRolledBack" ? "rolled back" : "failed",
        execution: name,
        durationMs: Math.round(performance.now() - deployStarted),
        batches: plan?.plan?.batchCount ?? 0,
        ...(record.cause ? { cause: record.cause } : {}),
      });
    }

    const report: LoadReport = await load.stop();
    const instances = await Promise.all(
      fleet.cloud
        .snapshot(fleet.groupName)
        .instances.filter((instance) => instance.lifecycle === "InService")
        .map(async (instance) => ({ id: instance.instanceId, release: await servedRelease(fleet.cloud, instance.instanceId) })),
    );
    const releases = new Set(instances.map((instance) => instance.release));
    // In place, the deploys keep every instance: the same ids at the end as at the start.
    const sameInstances =
      !this.options.inPlace ||
      instances
        .map((instance) => instance.id)
        .sort()
        .join() === [...ids].sort().join();
    const finalRelease = releases.size === 1 ? ([...releases][0] ?? "none") : "mixed";
    const ok =
      deploys[0]?.status === "succeeded" &&
      deploys[1]?.status === "rolled back" &&
      report.failed === 0 &&
      report.total > 0 &&
      finalRelease === EXAMPLE_RELEASES.second &&
      sameInstances;
    return {
      mode: this.options.inPlace ? "in-place" : "replace",
      releases: built.map((release) => ({ releaseId: release.releaseId, slugBytes: release.slugBytes, outcome: release.outcome })),
      deploys,
      requests: { total: report.total, failed: report.failed, byStatus: report.byStatus, errors: report.errors },
      finalRelease,
      instances,
      durationMs: Math.round(performance.now() - started),
      ok,
    };
  }
}

async function until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}.`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** What the instance's own app says it runs (GET /version), not what its tag says. */
async function servedRelease(cloud: { httpProbe(id: string, path: string): Promise<{ status: number; body: string }> }, id: string): Promise<string> {
  try {
    const answer = await cloud.httpProbe(id, "/version");
    const parsed = JSON.parse(answer.body) as { release?: string };
    return parsed.release ?? "unknown";
  } catch {
    return "unreachable";
  }
}
