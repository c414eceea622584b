import { once } from "node:events";
import { Agent, createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { forward, type Attempt } from "./forward.js";
import { BalancerStatsRecorder, type BalancerStats } from "./stats.js";
import { TargetPicker, type TargetAddresses, type TargetHealthSource } from "./targets.js";

/** Attempts per request: the first target plus up to two others that refused the connection. */
const MAX_ATTEMPTS = 3;
/**
 * The local cloud moves only when asked. An ALB's health checks and deregistration timers run
 * with or without traffic, so the balancer asks this often (real ms) even when idle: drained
 * instances then terminate, and their processes stop, on time.
 */
const REFRESH_MS = 100;

export interface BalancerOptions {
  /** Says which targets are healthy and not draining (a LocalCloud). */
  cloud: TargetHealthSource;
  targetGroupArn: string;
  /** Says where each target listens (a ProcessDriver). */
  driver: TargetAddresses;
  /** Port on 127.0.0.1 (default 0: any free port). */
  port?: number;
  /** Largest request body accepted, in bytes (default 1 MiB); bodies are buffered for retries. */
  maxBodyBytes?: number;
  /** Real ms without a byte from a target before answering 504 (default 60,000, as ALB). */
  idleTimeoutMs?: number;
}

/** A running local load balancer for one target group. */
export interface Balancer {
  url: string;
  port: number;
  stats(): BalancerStats;
  /**
   * Resolves once every one of `instanceIds` would get requests: healthy and not draining in the
   * cloud, and listening. Rejects after `timeoutMs` real ms naming those that would not. For a
   * fleet created warm, first await the driver's `waitUntilServing`: the cloud counts warm
   * targets healthy from the start, and may still mark them unhealthy while their apps boot.
   */
  waitUntilRoutable(instanceIds: readonly string[], timeoutMs: number): Promise<void>;
  /** Stops listening and cuts every client and target connection. */
  close(): Promise<void>;
}

/**
 * Starts an HTTP load balancer on 127.0.0.1 in front of one target group of the local cloud.
 * It behaves as an ALB does for what gantry relies on: new requests only to healthy targets
 * that are not draining, requests in flight to a draining target left to finish. See README.md.
 */
export async function startBalancer(options: BalancerOptions): Promise<Balancer> {
  const picker = new TargetPicker(options.cloud, options.driver, options.targetGroupArn);
  picker.routable(); // an unknown target group fails here, not on the first request
  const stats = new BalancerStatsRecorder();
  // No keep-alive towards targets: a pooled socket to an app that is shutting down could be
  // reset just as a request is written; a fresh loopback connection costs well under 1 ms.
  const agent = new Agent({ keepAlive: false });
  const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
  const idleTimeoutMs = options.idleTimeoutMs ?? 60_000;
  let port = 0;

  const server = createServer((req, res) => {
    stats.received();
    void handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) answer(res, 500, `Load balancer error: ${String(error)}`);
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req, maxBodyBytes);
    if (body === undefined) return answer(res, 413, `Request body larger than ${maxBodyBytes} bytes.`);
    const tried = new Set<string>();
    let last: Attempt | undefined;
    while (tried.size < MAX_ATTEMPTS) {
      const target = picker.next(tried);
      if (!target) break;
      if (tried.size > 0) stats.retried();
      tried.add(target.instanceId);
      stats.started(target.instanceId);
      last = await forward(req, body, res, target, { agent, idleTimeoutMs, balancerPort: port });
      stats.finished(target.instanceId, last);
      if (last.kind !== "unanswered" || !last.retryable) break;
    }
    if (last === undefined) {
      return answer(res, 503, `503 Service Unavailable: no healthy target in ${options.targetGroupArn}.`);
    }
    if (last.kind === "unanswered") answer(res, 502, `502 Bad Gateway: target failed before answering (${last.error.message}).`);
    if (last.kind === "timeout") answer(res, 504, `504 Gateway Timeout: no answer from the target within ${idleTimeoutMs} ms.`);
  }

  function answer(res: ServerResponse, status: number, text: string): void {
    stats.answeredByBalancer(status);
    res.writeHead(status, { "content-type": "text/plain", "content-length": Buffer.byteLength(text) + 1 });
    res.end(`${text}\n`);
  }

  const refresher = setInterval(() => picker.routable(), REFRESH_MS);
  server.on("close", () => clearInterval(refresher));
  server.listen(options.port ?? 0, "127.0.0.1");
  await once(server, "listening");
  port = (server.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    stats: () => stats.snapshot(),
    waitUntilRoutable: async (instanceIds, timeoutMs) => {
      const deadline = performance.now() + timeoutMs;
      for (;;) {
        const routable = new Set(picker.routable().map((target) => target.instanceId));
        const missing = instanceIds.filter((id) => !routable.has(id));
        if (missing.length === 0) return;
        if (performance.now() >= deadline) throw new Error(`Not routable after ${timeoutMs} ms: ${missing.join(", ")}.`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        agent.destroy();
      });
      return closing;
    },
  };
}

/** The whole request body, or undefined once it passes `limit` bytes. */
async function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
