import { verify } from "@octokit/webhooks-methods";

/**
 * GitHub caps webhook payloads at 25 MB and drops bigger ones, so a bigger body is not a
 * delivery. (A Lambda Function URL stops at 6 MB before gantry sees it; this limit also
 * guards local mode, which has no such front door.)
 */
export const MAX_WEBHOOK_BODY_BYTES = 25 * 1024 * 1024;

/** The parts of an HTTP request event gantry reads: Lambda Function URL payload format 2.0. */
export interface HttpRequestEvent {
  headers?: Record<string, string | undefined>;
  body?: string;
  isBase64Encoded?: boolean;
  requestContext?: { http?: { method?: string }; timeEpoch?: number };
}

/** A webhook request with its body as the text GitHub signed. */
export interface WebhookRequest {
  method: string;
  /** Names lower-cased: header names are case-insensitive (Function URLs lower-case them already). */
  headers: Readonly<Record<string, string>>;
  /** The raw body; empty when `bodyProblem` says it could not be read. */
  body: string;
  bodyProblem?: "too-large" | "not-utf8";
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** Reads headers and the raw body, decoding base64 without touching a byte GitHub signed. */
export function readWebhookRequest(event: HttpRequestEvent): WebhookRequest {
  const method = (event.requestContext?.http?.method ?? "POST").toUpperCase();
  // No prototype: a header named like an Object method must not read as one.
  const headers = Object.create(null) as Record<string, string>;
  for (const [name, value] of Object.entries(event.headers ?? {})) {
    if (value !== undefined) headers[name.toLowerCase()] = value;
  }
  const raw = event.body ?? "";
  const bytes = Buffer.byteLength(raw, event.isBase64Encoded ? "base64" : "utf8");
  if (bytes > MAX_WEBHOOK_BODY_BYTES) return { method, headers, body: "", bodyProblem: "too-large" };
  if (!event.isBase64Encoded) return { method, headers, body: raw };
  try {
    // Fatal decoding: replacing a bad byte would let a signature over the replaced text pass.
    return { method, headers, body: utf8.decode(Buffer.from(raw, "base64")) };
  } catch {
    return { method, headers, body: "", bodyProblem: "not-utf8" };
  }
}

/**
 * The signature worth checking, if any: none when the request is refused anyway (not a POST,
 * body unusable), so no secret is fetched and an SSM outage cannot turn that 4xx into a 503.
 */
export function signatureToCheck(request: WebhookRequest): string | undefined {
  if (request.method !== "POST" || request.bodyProblem) return undefined;
  return request.headers["x-hub-signature-256"] || undefined;
}

/**
 * True when `signature` is GitHub's `sha256=<hex>` HMAC of `body` under `secret`, compared in
 * constant time by octokit. octokit throws on empty arguments; an empty one is simply no match.
 */
export async function signatureMatches(secret: string, body: string, signature: string): Promise<boolean> {
  if (!secret || !body || !signature) return false;
  return verify(secret, body, signature);
}
