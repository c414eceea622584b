import { request, type Agent, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import type { ChosenTarget } from "./targets.js";

/** Headers that describe one connection, not the message (RFC 9110 §7.6.1): never forwarded. */
const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-authenticate",
  "proxy-authorization",
  "proxy-connection",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
]);

/** Methods a client may safely see repeated (RFC 9110 §9.2.2). */
const IDEMPOTENT = new Set(["GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE"]);

/**
 * How one attempt ended. `unanswered`: the target failed before sending any response byte, so
 * another target may take the request (`retryable` says whether repeating it is safe).
 * `broken`: the target failed mid-response; the client's connection is cut, as on an ALB.
 */
export type Attempt =
  { kind: "relayed"; status: number } | { kind: "unanswered"; retryable: boolean; error: Error } | { kind: "timeout" } | { kind: "broken"; error: Error };

export interface ForwardOptions {
  agent: Agent;
  /** Real ms without a byte from the target before giving up (ALB's idle timeout is 60 s). */
  idleTimeoutMs: number;
  balancerPort: number;
}

/** Sends one buffered request to `target` and streams the answer back to the client. */
export function forward(req: IncomingMessage, body: Buffer, res: ServerResponse, target: ChosenTarget, options: ForwardOptions): Promise<Attempt> {
  return new Promise((resolve) => {
    let connected = false;
    const upstream = request({
      host: target.address.host,
      port: target.address.port,
      method: req.method,
      path: req.url,
      headers: forwardedHeaders(req, body.length, options.balancerPort),
      agent: options.agent,
    });
    upstream.setTimeout(options.idleTimeoutMs, () => upstream.destroy(new TimeoutError()));
    // Connection refused or reset before connecting: the target never saw the request.
    upstream.on("socket", (socket) => socket.once("connect", () => (connected = true)));
    upstream.on("response", (answer) => {
      res.writeHead(answer.statusCode ?? 502, withoutHopByHop(answer.headers));
      answer.pipe(res);
      answer.on("end", () => resolve({ kind: "relayed", status: answer.statusCode ?? 502 }));
      answer.on("error", (error) => {
        res.destroy();
        resolve({ kind: "broken", error });
      });
      // Closed without "end" (the client or the target hung up mid-body): count it as broken.
      answer.on("close", () => resolve({ kind: "broken", error: new Error("response closed before its end") }));
    });
    upstream.on("error", (error) => {
      if (res.headersSent) {
        res.destroy();
        resolve({ kind: "broken", error });
      } else if (error instanceof TimeoutError) {
        resolve({ kind: "timeout" });
      } else {
        resolve({ kind: "unanswered", retryable: !connected || IDEMPOTENT.has(req.method ?? ""), error });
      }
    });
    // A client that hangs up frees the target's connection too.
    res.on("close", () => {
      if (!res.writableFinished) upstream.destroy();
    });
    upstream.end(body);
  });
}

class TimeoutError extends Error {}

/** The client's headers minus hop-by-hop ones, plus the X-Forwarded-* headers an ALB adds. */
function forwardedHeaders(req: IncomingMessage, length: number, balancerPort: number): IncomingHttpHeaders {
  const headers = withoutHopByHop(req.headers);
  const client = req.socket.remoteAddress ?? "";
  const prior = req.headers["x-forwarded-for"];
  headers["x-forwarded-for"] = prior ? `${String(prior)}, ${client}` : client;
  headers["x-forwarded-proto"] = "http";
  headers["x-forwarded-port"] = String(balancerPort);
  headers["content-length"] = String(length);
  return headers;
}

function withoutHopByHop(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const kept: IncomingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) if (!HOP_BY_HOP.has(name)) kept[name] = value;
  return kept;
}
