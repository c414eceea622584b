import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { ActionBusyError, ActionRefusedError, describeActions, parseActionInput, tokenMatches, type ConsoleAction } from "./actions.js";
import { EventHub } from "./event-hub.js";
import { executionView } from "./execution-view.js";
import type { LiveFeed } from "./live-feed.js";
import type { ExecutionSource } from "./sources.js";

export interface ConsoleServerOptions {
  source: ExecutionSource;
  live: LiveFeed;
  /** The actions offered; the page shows a button for each, none for anything else. */
  actions: readonly ConsoleAction[];
  token: string;
  /** 0 picks a free port. */
  port: number;
  /** "local", "demo" or the AWS target, shown in the page's title bar. */
  mode: string;
  /** How often to look for executions other processes (or AWS) changed, while a page is open. */
  pollMs?: number;
  now?: () => number;
}

export interface ConsoleServer {
  url: string;
  port: number;
  hub: EventHub;
  close(): Promise<void>;
}

const require = createRequire(import.meta.url);
const uplotDir = dirname(require.resolve("uplot"));
const pageDir = new URL("./page/", import.meta.url);
const STATIC: Record<string, { file: string | URL; type: string }> = {
  "/": { file: new URL("index.html", pageDir), type: "text/html; charset=utf-8" },
  "/static/app.js": { file: new URL("app.js", pageDir), type: "text/javascript; charset=utf-8" },
  "/static/app.css": { file: new URL("app.css", pageDir), type: "text/css; charset=utf-8" },
  "/static/uplot.js": { file: join(uplotDir, "uPlot.iife.min.js"), type: "text/javascript; charset=utf-8" },
  "/static/uplot.css": { file: join(uplotDir, "uPlot.min.css"), type: "text/css; charset=utf-8" },
};
/** Bodies of action requests are a few fields: anything bigger is refused unread. */
const MAX_BODY = 16 * 1024;

/**
 * The console's HTTP server, on 127.0.0.1 only, on node:http: a handful of routes needs no
 * framework. Reads are open to the machine's user; actions need the token printed at start-up,
 * in the `x-gantry-token` header or a `token` form field. Requests naming another host are
 * refused, so a web page elsewhere cannot reach it through DNS rebinding.
 */
export async function startConsoleServer(options: ConsoleServerOptions): Promise<ConsoleServer> {
  const now = options.now ?? Date.now;
  const view = async (name: string) => {
    const record = await options.source.read(name);
    if (!record) return undefined;
    return executionView(record, { fleet: options.live.fleetOf(name) ?? [], traffic: options.live.trafficSamples() }, now());
  };
  const hub = new EventHub(
    { list: () => options.source.list(now()), view, onChange: (listener) => options.live.onChange(listener) },
    { pollMs: options.pollMs ?? 1_000 },
  );
  let port = 0;
  const server = createServer((request, response) => {
    void route(request, response).catch((error: unknown) => answer(response, 500, { error: error instanceof Error ? error.message : String(error) }));
  });

  async function route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    if (![`127.0.0.1:${port}`, `localhost:${port}`].includes(request.headers.host ?? "")) {
      return answer(response, 421, { error: `This console answers only to 127.0.0.1:${port}.` });
    }
    const file = STATIC[url.pathname];
    if (request.method === "GET" && file) {
      response.writeHead(200, { "content-type": file.type, "cache-control": "no-store" });
      response.end(readFileSync(file.file));
      return;
    }
    if (request.method === "GET" && url.pathname === "/favicon.ico") return void response.writeHead(204).end();
    if (request.method === "GET" && url.pathname === "/api/console") {
      return answer(response, 200, { mode: options.mode, where: options.source.where, actions: describeActions(options.actions) });
    }
    if (request.method === "GET" && url.pathname === "/api/executions") return answer(response, 200, await options.source.list(now()));
    const one = /^\/api\/executions\/([^/]+)$/.exec(url.pathname);
    if (request.method === "GET" && one) {
      const found = await view(decodeURIComponent(one[1] as string));
      return found ? answer(response, 200, found) : answer(response, 404, { error: `No execution named ${one[1]} in ${options.source.where}.` });
    }
    if (request.method === "GET" && url.pathname === "/events") return hub.subscribe(response, url.searchParams.get("execution") ?? undefined);
    const action = /^\/api\/actions\/([^/]+)$/.exec(url.pathname);
    if (request.method === "POST" && action) return runAction(request, response, decodeURIComponent(action[1] as string));
    answer(response, 404, { error: `Nothing at ${request.method} ${url.pathname}.` });
  }

  async function runAction(request: IncomingMessage, response: ServerResponse, name: string): Promise<void> {
    let body: Record<string, unknown>;
    try {
      body = await readBody(request);
    } catch (error) {
      if (error instanceof ActionRefusedError) return answer(response, 400, { error: error.message });
      throw error;
    }
    const header = request.headers["x-gantry-token"];
    const given = typeof header === "string" ? header : typeof body.token === "string" ? body.token : undefined;
    if (!tokenMatches(given, options.token)) {
      return answer(response, 403, {
        error: `Refused: ${name} needs the action token that gantry console printed when it started (read-only without it).`,
      });
    }
    const chosen = options.actions.find((candidate) => candidate.name === name);
    if (!chosen) {
      const offered = options.actions.map((candidate) => candidate.name).join(", ") || "none";
      return answer(response, 404, { error: `No action "${name}" here; this console offers: ${offered}.` });
    }
    const fields = Object.fromEntries(Object.entries(body).filter(([key]) => key !== "token"));
    try {
      const message = await chosen.run(parseActionInput(chosen, fields));
      answer(response, 202, { message });
    } catch (error) {
      if (error instanceof ActionBusyError) return answer(response, 409, { error: error.message });
      if (error instanceof ActionRefusedError) return answer(response, 400, { error: error.message });
      throw error;
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, "127.0.0.1", () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/`,
    port,
    hub,
    close: async () => {
      hub.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
    },
  };
}

function answer(response: ServerResponse, status: number, body: unknown): void {
  if (response.headersSent) return void response.end();
  response.writeHead(status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" });
  response.end(JSON.stringify(body));
}

/** A JSON or form-encoded body, as fields. */
async function readBody(request: IncomingMessage): Promise<Record<string, unknown>> {
  let text = "";
  for await (const chunk of request) {
    text += String(chunk);
    if (text.length > MAX_BODY) throw new ActionRefusedError(`The request body is over ${MAX_BODY} bytes; an action takes a few fields.`);
  }
  if (!text) return {};
  if ((request.headers["content-type"] ?? "").includes("application/json")) {
    try {
      const parsed = JSON.parse(text) as unknown;
      return parsed !== null && typeof parsed === "object" && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
    } catch {
      throw new ActionRefusedError("The request body is not JSON; send the action's fields as a JSON object or a form.");
    }
  }
  return Object.fromEntries(new URLSearchParams(text));
}
