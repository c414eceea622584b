// hello-app: the example application gantry deploys. Plain JavaScript with no dependencies, so an
// instance (or the local process driver) runs it with `node server.mjs` and nothing installed.
//
// Environment:
//   PORT                 port to listen on; 0 (default) lets the OS pick one
//   RELEASE              release id; reads releases/<RELEASE>/release.json (required)
//   INSTANCE_ID          named in /version and in greetings (default "local")
//   RESPONSE_DELAY_MS    artificial latency of `/`, so draining is observable (default 0)
//   SHUTDOWN_TIMEOUT_MS  how long SIGTERM waits for in-flight requests (default 10000)
//
// stdout carries exactly one line, `listening on <port>`, which is how a supervisor learns the
// port when it asked for 0. Everything else goes to stderr.
import { readFileSync } from "node:fs";
import { createServer } from "node:http";

const MAX_DELAY_MS = 30_000;

const config = readConfig(process.env);
const release = readRelease(config.release);
let stopping = false;

const server = createServer((req, res) => {
  // Once shutting down, every response closes its connection, so keep-alive clients (a load
  // balancer) cannot park a socket here while the server waits for connections to end.
  if (stopping) res.shouldKeepAlive = false;
  const url = new URL(req.url ?? "/", "http://localhost");
  if (req.method !== "GET" && req.method !== "HEAD") return send(res, 405, "text/plain", "method not allowed\n");
  if (url.pathname === "/health") {
    return release.health === "ok"
      ? send(res, 200, "text/plain", "ok\n")
      : send(res, 500, "text/plain", `unhealthy: release ${release.id} reports health "${release.health}"\n`);
  }
  if (url.pathname === "/version") {
    return send(res, 200, "application/json", JSON.stringify({ release: release.id, instance: config.instanceId }));
  }
  if (url.pathname === "/") {
    const asked = Number(url.searchParams.get("delayMs") ?? config.delayMs);
    const delay = Number.isFinite(asked) ? Math.min(Math.max(asked, 0), MAX_DELAY_MS) : 0;
    const greeting = `Hello from ${release.id} on ${config.instanceId}: ${release.message}\n`;
    setTimeout(() => send(res, 200, "text/plain", greeting), delay);
    return undefined;
  }
  return send(res, 404, "text/plain", "not found\n");
});

server.listen(config.port, "127.0.0.1", () => {
  process.stdout.write(`listening on ${server.address().port}\n`);
});

process.on("SIGTERM", () => shutdown("SIGTERM"));
process.on("SIGINT", () => shutdown("SIGINT"));
// Started by a supervisor with an IPC channel (the local process driver): if that supervisor
// dies without stopping us, the channel closes and we leave too, rather than linger as an orphan.
if (process.connected) process.on("disconnect", () => shutdown("supervisor gone"));

/** Stops accepting connections, lets in-flight requests finish, exits 0 (1 if they overrun). */
function shutdown(reason) {
  if (stopping) return;
  stopping = true;
  process.stderr.write(`${reason}: draining in-flight requests\n`);
  server.close(() => process.exit(0));
  server.closeIdleConnections();
  setTimeout(() => {
    process.stderr.write(`requests still running after ${config.shutdownTimeoutMs} ms; closing them\n`);
    server.closeAllConnections();
    process.exit(1);
  }, config.shutdownTimeoutMs).unref();
}

function send(res, status, type, body) {
  res.writeHead(status, { "content-type": type, "content-length": Buffer.byteLength(body) });
  res.end(body);
}

function readConfig(env) {
  const port = Number(env.PORT ?? "0");
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`PORT must be an integer 0-65535, got "${env.PORT}"`);
  if (!env.RELEASE) fail("RELEASE is required, e.g. RELEASE=v1");
  // The release names a directory: refuse anything that could step outside releases/.
  if (!/^[A-Za-z0-9._-]+$/.test(env.RELEASE) || env.RELEASE.startsWith(".")) {
    fail(`RELEASE must be letters, digits, ".", "_" or "-", got "${env.RELEASE}"`);
  }
  return {
    port,
    release: env.RELEASE,
    instanceId: env.INSTANCE_ID || "local",
    delayMs: Number(env.RESPONSE_DELAY_MS ?? "0") || 0,
    shutdownTimeoutMs: Number(env.SHUTDOWN_TIMEOUT_MS ?? "10000") || 10_000,
  };
}

function readRelease(id) {
  const file = new URL(`./releases/${id}/release.json`, import.meta.url);
  let parsed;
  try {
    parsed = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    fail(`cannot read release ${id} from ${file.pathname}: ${error.message}`);
  }
  if (parsed.id !== id) fail(`${file.pathname} says id "${parsed.id}", expected "${id}"`);
  return { id, message: String(parsed.message ?? ""), health: parsed.health === "ok" ? "ok" : String(parsed.health) };
}

function fail(message) {
  process.stderr.write(`hello-app: ${message}\n`);
  process.exit(2);
}
