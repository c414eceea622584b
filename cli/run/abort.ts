import type { OperatorRequest } from "../../functions/core/operator/requests.js";
import { fileRequests } from "../../local/operator-requests.js";
import { ExecutionStore } from "../../local/records.js";
import type { AbortOptions } from "../commands/abort.js";
import { cliActor } from "../flags.js";
import { UsageError, line, printJson } from "../output.js";
import { recorded } from "./inspect.js";

/** Where an execution's request is for: its name and the app/env its input names. */
export interface AbortTarget {
  name: string;
  app: string;
  env: string;
}

/** The app/env a deploy or cycle input names, or undefined when the input is not one of gantry's. */
export function appEnvOfInput(input: unknown): { app: string; env: string } | undefined {
  if (typeof input !== "object" || input === null) return undefined;
  const { app, env } = input as { app?: unknown; env?: unknown };
  return typeof app === "string" && typeof env === "string" ? { app, env } : undefined;
}

/** The request to file, and what the command prints about it. */
export function abortRequest(target: AbortTarget, by: string, reason: string | undefined, now: number): OperatorRequest {
  return { kind: "abort", execution: target.name, by, ...(reason ? { reason } : {}), at: now };
}

export function printAbort(target: AbortTarget, request: OperatorRequest, options: AbortOptions): void {
  if (options.json) {
    return printJson({
      execution: target.name,
      app: target.app,
      env: target.env,
      by: request.by,
      reason: request.reason,
      requestedAt: new Date(request.at).toISOString(),
    });
  }
  line(`Abort requested for ${target.name} (${target.app}/${target.env}) by ${request.by}: it stops at its next step and rolls back.`);
}

export async function abortOnAws(execution: string, options: AbortOptions): Promise<void> {
  await (await import("../aws/abort.js")).abortOnAws(execution, options);
}

/** `gantry abort --local <execution>`: files the request where a local deploy in another process reads it. */
export async function abortHere(name: string, options: AbortOptions, now = Date.now()): Promise<void> {
  const record = recorded(new ExecutionStore(), name, "abort");
  if (record.status !== "RUNNING") {
    throw new UsageError(
      `${record.name} is ${record.status}, not running: there is nothing to abort. To undo what it deployed, use gantry rollback <app> <env> --local.`,
    );
  }
  const appEnv = appEnvOfInput(record.input);
  if (!appEnv) throw new UsageError(`${record.name} is not a gantry deploy or cycle (its input names no app and env); gantry abort stops only those.`);
  const target = { name: record.name, ...appEnv };
  const request = abortRequest(target, cliActor(), options.reason, now);
  await fileRequests().put(target.app, target.env, request);
  printAbort(target, request, options);
}
