import { request } from "node:http";

/** How often the generator looks at the clock; requests due in between go out together. */
const TICK_MS = 10;
/** Failure messages kept: enough to see what went wrong without flooding a report. */
const KEPT_ERRORS = 10;

export interface LoadOptions {
  /** An http://127.0.0.1:<port>/… URL; anything else is refused. */
  url: string;
  ratePerSecond: number;
  /** Requests in flight at most; a request due while at the cap is skipped and counted. */
  concurrency: number;
  /** Real ms a request may take before it counts as failed (default 10,000). */
  timeoutMs?: number;
}

/** What the load saw so far. */
export interface LoadReport {
  /** Requests finished (succeeded or failed). */
  total: number;
  failed: number;
  /** Finished requests by status code; "error" for those without one. */
  byStatus: Record<string, number>;
  /** The first few failures, in words. */
  errors: string[];
  /** Requests not sent because `concurrency` were already in flight. */
  skipped: number;
  inFlight: number;
  latencyMs: { p50: number; p99: number; max: number };
}

export interface Load {
  snapshot(): LoadReport;
  /** Sends nothing more, waits for requests in flight, and reports. */
  stop(): Promise<LoadReport>;
}

/**
 * Open-loop HTTP load at a steady rate: requests go out on schedule whether or not earlier ones
 * answered (up to `concurrency`), as users do, so a slow or failing target shows up as failures
 * rather than as a quietly lower rate. A request fails if it errors or answers other than 2xx.
 */
export function startLoad(options: LoadOptions): Load {
  const target = localUrl(options.url);
  if (!(options.ratePerSecond > 0)) throw new RangeError(`ratePerSecond must be > 0, got ${options.ratePerSecond}`);
  if (!Number.isInteger(options.concurrency) || options.concurrency < 1) {
    throw new RangeError(`concurrency must be a whole number >= 1, got ${options.concurrency}`);
  }
  const timeoutMs = options.timeoutMs ?? 10_000;
  const report = { total: 0, failed: 0, skipped: 0, byStatus: new Map<string, number>(), errors: [] as string[] };
  const latencies: number[] = [];
  const inFlight = new Set<Promise<void>>();
  const started = performance.now();
  let issued = 0;

  const finish = (status: number | undefined, problem: string | undefined, began: number) => {
    report.total++;
    latencies.push(performance.now() - began);
    const key = status === undefined ? "error" : String(status);
    report.byStatus.set(key, (report.byStatus.get(key) ?? 0) + 1);
    if (problem === undefined) return;
    report.failed++;
    if (report.errors.length < KEPT_ERRORS) report.errors.push(problem);
  };

  const tick = () => {
    const due = Math.floor(((performance.now() - started) * options.ratePerSecond) / 1000);
    for (; issued < due; issued++) {
      if (inFlight.size >= options.concurrency) {
        report.skipped++;
        continue;
      }
      const began = performance.now();
      const sent = get(target, timeoutMs).then(
        ({ status, body }) => finish(status, status >= 200 && status < 300 ? undefined : `${status}: ${body.trim().slice(0, 200)}`, began),
        (error: Error) => finish(undefined, error.message, began),
      );
      inFlight.add(sent);
      void sent.finally(() => inFlight.delete(sent));
    }
  };
  const timer = setInterval(tick, TICK_MS);

  const snapshot = (): LoadReport => ({
    total: report.total,
    failed: report.failed,
    byStatus: Object.fromEntries(report.byStatus),
    errors: [...report.errors],
    skipped: report.skipped,
    inFlight: inFlight.size,
    latencyMs: summarize(latencies),
  });
  let stopping: Promise<LoadReport> | undefined;
  return {
    snapshot,
    stop: () => {
      clearInterval(timer);
      stopping ??= Promise.all([...inFlight]).then(snapshot);
      return stopping;
    },
  };
}

/** Load is for the local balancer only: refuse anything that could reach another machine. */
function localUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`Load needs an http://127.0.0.1 URL, got "${raw}".`);
  }
  if (url.protocol !== "http:" || url.hostname !== "127.0.0.1") {
    throw new Error(`Load only targets http://127.0.0.1 (the local balancer), not "${raw}".`);
  }
  return url;
}

/** One GET on a fresh connection, so each request stands alone (no socket reuse races). */
function get(url: URL, timeoutMs: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on("error", reject);
    req.end();
  });
}

function summarize(latencies: readonly number[]): LoadReport["latencyMs"] {
  if (latencies.length === 0) return { p50: 0, p99: 0, max: 0 };
  const sorted = [...latencies].sort((a, b) => a - b);
  const at = (q: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!);
  return { p50: at(0.5), p99: at(0.99), max: Math.round(sorted.at(-1)!) };
}
