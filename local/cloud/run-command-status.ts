import type { CommandInvocationStatus, CommandStatus } from "@aws-sdk/client-ssm";
import type { DeployOutcome } from "./driver.js";

/** How an invocation ended, in Run Command's detailed terms (StatusDetails without spaces). */
export type InvocationEnd = "Success" | "Failed" | "ExecutionTimedOut" | "DeliveryTimedOut" | "Undeliverable";

/** One instance's copy of a command, as timestamps read "as of now". */
export interface InvocationRecord {
  instanceId: string;
  /** Before this GetCommandInvocation answers InvocationDoesNotExist. */
  createdAt: number;
  /** The earliest delivery; an unreachable agent delays it until the command expires. */
  deliverAt: number;
  /** When the agent received it and the command started. */
  startedAt?: number;
  /** What the instance driver's deploy reported (a real one: once its promise settled). */
  outcome?: DeployOutcome;
  end?: { at: number; status: InvocationEnd };
  /** The running release has been recorded for a successful deploy. */
  recorded?: boolean;
}

export interface InvocationStatus {
  status: CommandInvocationStatus;
  details: string;
  responseCode: number;
  stdout: string;
  stderr: string;
}

/** GetCommandInvocation: "the first 24,000 characters written by the plugin to stdout", "the first 8,000" of stderr. */
const STDOUT_CHARS = 24_000;
const STDERR_CHARS = 8_000;
/** What the agent's kill of a script past its execution timeout exits with (128 + SIGKILL). */
const KILLED = 137;

/**
 * An invocation's Status and StatusDetails as of `now`. The terminal ones follow the API
 * reference and recorded answers: ExecutionTimedOut and DeliveryTimedOut read Status `TimedOut`,
 * Undeliverable reads `Failed`; ResponseCode is -1 for a command that never ran.
 */
export function invocationStatus(invocation: InvocationRecord, now: number): InvocationStatus {
  const end = invocation.end && invocation.end.at <= now ? invocation.end : undefined;
  const outcome = invocation.outcome;
  if (!end) {
    const started = invocation.startedAt !== undefined && invocation.startedAt <= now;
    return started
      ? { status: "InProgress", details: "InProgress", responseCode: -1, stdout: "", stderr: "" }
      : { status: "Pending", details: "Pending", responseCode: -1, stdout: "", stderr: "" };
  }
  switch (end.status) {
    case "Success":
    case "Failed":
      return {
        status: end.status,
        details: end.status,
        responseCode: outcome?.exitCode ?? -1,
        stdout: (outcome?.stdout ?? "").slice(0, STDOUT_CHARS),
        stderr: (outcome?.stderr ?? "").slice(0, STDERR_CHARS),
      };
    case "ExecutionTimedOut":
      return { status: "TimedOut", details: "ExecutionTimedOut", responseCode: KILLED, stdout: "", stderr: "" };
    case "DeliveryTimedOut":
      return { status: "TimedOut", details: "DeliveryTimedOut", responseCode: -1, stdout: "", stderr: "" };
    case "Undeliverable":
      return { status: "Failed", details: "Undeliverable", responseCode: -1, stdout: "", stderr: "" };
  }
}

export interface CommandSummary {
  status: CommandStatus;
  details: string;
  completed: number;
  errors: number;
  deliveryTimedOut: number;
}

/**
 * The command's overall status from its invocations, with MaxErrors 0 (SendCommand's default):
 * Pending until one is delivered, InProgress until all have ended; then errors (Failed and
 * ExecutionTimedOut count against MaxErrors) beyond 0 make it Failed, or TimedOut when they are
 * all execution timeouts. Undeliverable invocations neither count nor decide Success, unless
 * every invocation is one (then Failed); delivery timeouts do not count but keep it from Success:
 * all of them is TimedOut, some of them beside successes is Incomplete.
 */
export function commandStatus(invocations: readonly InvocationRecord[], now: number): CommandSummary {
  const ends = invocations.map((i) => (i.end && i.end.at <= now ? i.end.status : undefined));
  const count = (status: InvocationEnd) => ends.filter((end) => end === status).length;
  const completed = ends.filter((end) => end !== undefined).length;
  const failed = count("Failed");
  const executionTimedOut = count("ExecutionTimedOut");
  const deliveryTimedOut = count("DeliveryTimedOut");
  const summary = { completed, errors: failed + executionTimedOut, deliveryTimedOut };
  if (completed < invocations.length) {
    const delivered = invocations.some((i) => i.startedAt !== undefined && i.startedAt <= now);
    return delivered || completed > 0 ? { ...summary, status: "InProgress", details: "InProgress" } : { ...summary, status: "Pending", details: "Pending" };
  }
  if (failed > 0) return { ...summary, status: "Failed", details: "Failed" };
  if (executionTimedOut > 0) return { ...summary, status: "TimedOut", details: "ExecutionTimedOut" };
  const considered = invocations.length - count("Undeliverable");
  if (considered === 0) return { ...summary, status: "Failed", details: "Failed" };
  if (deliveryTimedOut === considered) return { ...summary, status: "TimedOut", details: "DeliveryTimedOut" };
  if (deliveryTimedOut > 0) return { ...summary, status: "Failed", details: "Incomplete" };
  return { ...summary, status: "Success", details: "Success" };
}
