import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type * as z from "zod";

/** A field of an action's form on the page. */
export interface ActionField {
  name: string;
  label: string;
  /** The values offered; absent for free text. */
  choices?: string[];
  /** Filled in when the page shows the form; optional fields may be left empty. */
  default?: string;
  optional?: boolean;
}

/**
 * Something a person may do from the console. The page shows a form and a button for each
 * action the server lists, and nothing for the rest; adding one (approve, reject, abort) is one
 * more entry: its fields, the schema of its input, and what it starts.
 */
export interface ConsoleAction<Input extends Record<string, unknown> = Record<string, string | undefined>> {
  name: string;
  label: string;
  description: string;
  fields: ActionField[];
  input: z.ZodType<Input>;
  /** Starts the action; resolves with a sentence saying what started, once it has. */
  run(input: Input): Promise<string>;
}

/** An action that cannot start now because another one runs (local mode runs one at a time). */
export class ActionBusyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ActionBusyError";
  }
}

/** A mistake in what the person asked (a release that does not exist, no release to roll back to). */
export class ActionRefusedError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ActionRefusedError";
  }
}

/** The token printed at start-up: 24 random bytes, URL-safe. */
export function newActionToken(): string {
  return randomBytes(24).toString("base64url");
}

/** Compares in constant time: both sides are hashed first, so neither their content nor their length shows in the timing. */
export function tokenMatches(given: string | undefined, token: string): boolean {
  if (!given) return false;
  const digest = (text: string) => createHash("sha256").update(text).digest();
  return timingSafeEqual(digest(given), digest(token));
}

/** What the page needs to draw an action's form. */
export function describeActions(actions: readonly ConsoleAction[]): Pick<ConsoleAction, "name" | "label" | "description" | "fields">[] {
  return actions.map(({ name, label, description, fields }) => ({ name, label, description, fields }));
}

/** Reads an action's input; a wrong field is one line naming it and its value. */
export function parseActionInput<Input extends Record<string, unknown>>(action: ConsoleAction<Input>, body: Record<string, unknown>): Input {
  const parsed = action.input.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue?.path.join(".") || "input";
  const value = issue?.path.length ? JSON.stringify(issue.path.reduce<unknown>((node, key) => (node as Record<PropertyKey, unknown>)?.[key], body)) : "";
  throw new ActionRefusedError(`${action.name}: ${field}${value ? ` ${value}` : ""} is not accepted (${issue?.message ?? "invalid"}).`);
}
