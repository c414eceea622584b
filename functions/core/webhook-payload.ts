import type { WebhookRequest } from "./webhook-request.js";

/** A payload read from the body, or why it could not be read, in words for the sender. */
export type PayloadReading = { payload: Record<string, unknown> } | { problem: string };

const CHOOSE_JSON = 'choose "application/json" as the content type in the webhook settings';

/**
 * Reads the JSON payload of a delivery. GitHub sends it as the body (`application/json`) or,
 * when the webhook is set to `application/x-www-form-urlencoded`, as the `payload` form field;
 * both are GitHub's own formats, so both are read rather than one rejected.
 */
export function readPayload(request: WebhookRequest): PayloadReading {
  const contentType = request.headers["content-type"];
  const mediaType = contentType?.split(";")[0]?.trim().toLowerCase();
  if (mediaType === "application/json") return parseObject(request.body, "The body");
  if (mediaType === "application/x-www-form-urlencoded") {
    const field = new URLSearchParams(request.body).get("payload");
    if (field === null) return { problem: `The form body has no "payload" field; ${CHOOSE_JSON}.` };
    return parseObject(field, 'The "payload" form field');
  }
  const shown = contentType === undefined ? "is missing" : `is ${JSON.stringify(contentType)}`;
  return { problem: `The Content-Type header ${shown}; ${CHOOSE_JSON}.` };
}

function parseObject(text: string, what: string): PayloadReading {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return { problem: `${what} is not valid JSON (${error instanceof Error ? error.message : String(error)}).` };
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    return { problem: `${what} is JSON but not an object; GitHub sends an object for every event.` };
  }
  return { payload: parsed as Record<string, unknown> };
}
