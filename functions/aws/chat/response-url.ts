import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import type { ChatMessage } from "../../core/chat/chat.js";

/** Slack answers a response_url post at once; one that hangs is abandoned rather than holding the function. */
const POST_TIMEOUT_MS = 10_000;

/**
 * Posts a message to a slash command's `response_url` and resolves with Slack's HTTP status.
 * node:http(s) rather than fetch: one JSON POST needs no client library, and the functions that
 * call fetch are the ones that probe instances (the catalog counts fetch as an instance probe).
 * http: as well as https:, so local mode and tests can stand in for Slack on 127.0.0.1.
 */
export function postToResponseUrl(url: string, message: ChatMessage): Promise<number> {
  const target = new URL(url);
  const send = target.protocol === "http:" ? httpRequest : httpsRequest;
  const body = JSON.stringify(message);
  return new Promise((resolve, reject) => {
    const posting = send(
      target,
      { method: "POST", headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) }, timeout: POST_TIMEOUT_MS },
      (response) => {
        response.resume();
        response.on("end", () => resolve(response.statusCode ?? 0));
        response.on("error", reject);
      },
    );
    posting.on("timeout", () => posting.destroy(new Error(`no answer from ${target.host} within ${POST_TIMEOUT_MS / 1000} s`)));
    posting.on("error", reject);
    posting.end(body);
  });
}
