import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** One request the fake GitHub received, as a test compares it. */
export interface ReceivedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  authorization: string | undefined;
  body: unknown;
}

/** How the fake answers a route: a status and body, or no answer at all (a hung GitHub). */
export type FakeAnswer = { status: number; body: unknown } | "hang";

export interface FakeGitHub {
  /** The API root to configure as `github.apiUrl`. */
  url: string;
  received: ReceivedRequest[];
  /** Answers `METHOD /path` (the path without its query) from now on. */
  answer(route: string, answer: FakeAnswer): void;
  close(): Promise<void>;
}

/**
 * A GitHub REST API on 127.0.0.1 that knows the deployment routes gantry calls and records every
 * request: deployments are listed (none, unless a test says otherwise), made with id 4242, and
 * their statuses accepted, with the shapes of GitHub's documented responses.
 */
export async function startFakeGitHub(): Promise<FakeGitHub> {
  const received: ReceivedRequest[] = [];
  const answers = new Map<string, FakeAnswer>();
  const hung = new Set<ServerResponse>();
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const url = new URL(request.url ?? "/", "http://127.0.0.1");
      const text = Buffer.concat(chunks).toString("utf8");
      received.push({
        method: request.method ?? "GET",
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        authorization: request.headers.authorization,
        body: text ? (JSON.parse(text) as unknown) : undefined,
      });
      const route = `${request.method} ${url.pathname}`;
      const answer = answers.get(route) ?? defaultAnswer(request.method ?? "GET", url.pathname);
      if (answer === "hang") {
        hung.add(response);
        return;
      }
      response.writeHead(answer.status, { "content-type": "application/json; charset=utf-8" });
      response.end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    answer: (route, answer) => answers.set(route, answer),
    close: async () => {
      for (const response of hung) response.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function defaultAnswer(method: string, path: string): FakeAnswer {
  if (method === "GET" && /^\/repos\/[^/]+\/[^/]+\/deployments$/.test(path)) return { status: 200, body: [] };
  if (method === "POST" && /^\/repos\/[^/]+\/[^/]+\/deployments$/.test(path))
    return { status: 201, body: { id: 4242, url: `https://api.github.com${path}/4242`, environment: "prod", payload: {} } };
  if (method === "POST" && /\/deployments\/\d+\/statuses$/.test(path)) return { status: 201, body: { id: 1, state: "in_progress" } };
  return { status: 404, body: { message: "Not Found", documentation_url: "https://docs.github.com/rest" } };
}
