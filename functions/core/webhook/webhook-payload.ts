import type { WebhookRequest } from "./webhook-request.js";

/**
 * A payload read from the body, or why it could not be read, in words for the sender, with the
 * HTTP status: 415 for a content type gantry does not read, 400 for a body it cannot parse.
 */
export type PayloadReading = { payload: Record<string, unknown> } | { problem: string; status: 400 | 415 };

const CHOOSE_JSON = 'choose "application/json" as the content type in the webhook settings';

/**
 * Reads the JSON payload of a delivery. GitHub sends it as the body (`application/json`) or,
 * when the webhook is set to `application/x-www-form-urlencoded`, as the `payload` form field;
 * both are GitHub's own formats, so both are read rather than one rejected. Any other content
 * type is 415 Unsupported Media Type, saying to choose application/json.
 */
export function readPayload(request: WebhookRequest): PayloadReading {
  const contentType = request.headers["content-type"];
  const mediaType = contentType?.split(";")[0]?.trim().toLowerCase();
  if (mediaType === "application/json") return parseObject(request.body, "The body");
  if (mediaType === "application/x-www-form-urlencoded") {
    const field = new URLSearchParams(request.body).get("payload");
    if (field === null) return { problem: `The form body has no "payload" field; ${CHOOSE_JSON}.`, status: 400 };
    return parseObject(field, 'The "payload" form field');
  }
  const shown = contentType === undefined ? "is missing" : `is ${JSON.stringify(contentType)}`;
  return { problem: `The Content-Type header ${shown}; ${CHOOSE_JSON}.`, status: 415 };
}

function parseObject(text: string, what: string): PayloadReading {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return { problem: `${what} is not valid JSON (${error instanceof Error ? error.message : String(error)}).`, status: 400 };
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    return { problem: `${what} is JSON but not an object; GitHub sends an object for every event.`, status: 400 };
  }
  return { payload: parsed as Record<string, unknown> };
}
