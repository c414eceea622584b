import type { SendCommandCommandInput } from "@aws-sdk/client-ssm";
import { CloudFault, LocalCloudUnsupportedError } from "./errors.js";

/** The one document modelled, and its one step. */
export const DOCUMENT = "AWS-RunShellScript";
export const PLUGIN = "aws:runShellScript";
/** SendCommand: "you can specify up to 50 IDs"; TimeoutSeconds 30–2,592,000; Comment up to 100 characters (API reference). */
const MAX_INSTANCE_IDS = 50;
const MIN_TIMEOUT = 30;
const MAX_TIMEOUT = 2_592_000;
const MAX_COMMENT = 100;
/** AWS-RunShellScript's executionTimeout: 1–172,800 seconds, default 3,600 (the document's parameters). */
const DEFAULT_EXECUTION_TIMEOUT = 3600;
const MAX_EXECUTION_TIMEOUT = 172_800;
/** The API reference gives TimeoutSeconds no default; the model takes an hour. */
const DEFAULT_DELIVERY_TIMEOUT = 3600;
/** ListCommands and ListCommandInvocations pages: 1–50 (default 50). */
const MAX_PAGE = 50;

/** What a SendCommand asks for, once its input passed SendCommand's own checks (not the instances'). */
export interface SendCommandRequest {
  ids: string[];
  timeoutSeconds: number;
  comment: string;
  commands: string[];
  executionTimeoutSeconds: number;
  /** The release the command deploys. */
  release: string;
}

/** Checks SendCommand's input as SSM does, in its order: document, ids, timeouts, comment, parameters. */
export function readSendCommand(input: SendCommandCommandInput): SendCommandRequest {
  if (input.DocumentName !== DOCUMENT) {
    throw new CloudFault(
      "InvalidDocument",
      `Document ${input.DocumentName ?? "(none)"} does not exist in your account; the local cloud models only ${DOCUMENT}.`,
    );
  }
  const ids = input.InstanceIds ?? [];
  if (ids.length === 0) throw new CloudFault("ValidationException", "InstanceIds or Targets is required to send a command.");
  if (ids.length > MAX_INSTANCE_IDS) throw constraint(`[${ids.join(", ")}]`, "instanceIds", `length less than or equal to ${MAX_INSTANCE_IDS}`);
  const repeated = ids.find((id, i) => ids.indexOf(id) !== i);
  if (repeated !== undefined) throw new CloudFault("DuplicateInstanceId", `Instance ID ${repeated} is given more than once.`);
  const timeoutSeconds = input.TimeoutSeconds ?? DEFAULT_DELIVERY_TIMEOUT;
  if (timeoutSeconds < MIN_TIMEOUT) throw constraint(String(timeoutSeconds), "timeoutSeconds", `value greater than or equal to ${MIN_TIMEOUT}`);
  if (timeoutSeconds > MAX_TIMEOUT) throw constraint(String(timeoutSeconds), "timeoutSeconds", `value less than or equal to ${MAX_TIMEOUT}`);
  const comment = input.Comment ?? "";
  if (comment.length > MAX_COMMENT) throw constraint(comment, "comment", `length less than or equal to ${MAX_COMMENT}`);
  const { commands, executionTimeoutSeconds } = shellParameters(input.Parameters);
  return { ids, timeoutSeconds, comment, commands, executionTimeoutSeconds, release: releaseOf(commands) };
}

/** The document's parameters: `commands` (one or more lines) and `executionTimeout` (seconds, as a string). */
function shellParameters(parameters: Record<string, string[]> | undefined): { commands: string[]; executionTimeoutSeconds: number } {
  const given = parameters ?? {};
  const unknown = Object.keys(given).find((key) => key !== "commands" && key !== "executionTimeout" && key !== "workingDirectory");
  if (unknown !== undefined) throw new CloudFault("InvalidParameters", `Parameter "${unknown}" is not defined in document ${DOCUMENT}.`);
  if (given.workingDirectory !== undefined) throw new LocalCloudUnsupportedError("ssm", "SendCommand", "Parameters.workingDirectory");
  const commands = given.commands ?? [];
  if (commands.length === 0 || commands.every((line) => line.trim() === "")) {
    throw new CloudFault("InvalidParameters", `Document ${DOCUMENT} requires parameter "commands".`);
  }
  const timeout = given.executionTimeout;
  if (timeout === undefined) return { commands, executionTimeoutSeconds: DEFAULT_EXECUTION_TIMEOUT };
  const seconds = timeout.length === 1 && /^[1-9][0-9]*$/.test(timeout[0]!) ? Number(timeout[0]) : NaN;
  if (!(seconds <= MAX_EXECUTION_TIMEOUT)) {
    throw new CloudFault(
      "InvalidParameters",
      `Parameter "executionTimeout" must be a whole number of seconds from 1 to ${MAX_EXECUTION_TIMEOUT}, got ${JSON.stringify(timeout)}.`,
    );
  }
  return { commands, executionTimeoutSeconds: seconds };
}

/**
 * The release the command deploys: the last word of its first line (`<deploy command> <release>`).
 * The model runs no shell, so a first line it cannot read as a deploy is refused, not guessed at.
 */
function releaseOf(commands: string[]): string {
  const words = commands[0]!.trim().split(/\s+/);
  if (words.length < 2)
    throw new LocalCloudUnsupportedError("ssm", "SendCommand", `Parameters.commands[0] "${commands[0]!}" (expected "<deploy command> <release>")`);
  return words.at(-1)!;
}

export function pageSize(maxResults: number | undefined): number {
  const limit = maxResults ?? MAX_PAGE;
  if (limit < 1 || limit > MAX_PAGE) throw constraint(String(limit), "maxResults", `value less than or equal to ${MAX_PAGE}`);
  return limit;
}

/** AWS's wording for a request that breaks a field's documented constraint. */
function constraint(value: string, field: string, rule: string): CloudFault {
  return new CloudFault(
    "ValidationException",
    `1 validation error detected: Value '${value}' at '${field}' failed to satisfy constraint: Member must have ${rule}`,
  );
}
