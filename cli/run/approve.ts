import type { ApprovalCheckpoint } from "../../functions/core/rollout/approvals.js";
import type { ExecutionRecord } from "../../functions/core/executions/execution-record.js";
import { fileRequests } from "../../local/operator-requests.js";
import { ExecutionStore } from "../../local/records.js";
import type { AnswerOptions } from "../commands/approve.js";
import { cliActor } from "../flags.js";
import { UsageError, line, printJson } from "../output.js";
import { appEnvOfInput } from "./abort.js";
import { recorded } from "./inspect.js";

export type AnswerKind = "approve" | "reject";

/** What was answered, for the line (or JSON) the command prints. */
export interface Answered {
  kind: AnswerKind;
  execution: string;
  app: string;
  env: string;
  batch: number;
  of: number;
  by: string;
  reason?: string;
  at: number;
}

export function printAnswer(answered: Answered, options: AnswerOptions): void {
  if (options.json) return printJson({ ...answered, at: new Date(answered.at).toISOString() });
  const next = answered.kind === "approve" ? "it goes on to its next batch" : "it rolls back";
  line(
    `${answered.kind === "approve" ? "Approved" : "Rejected"} ${answered.execution} (${answered.app}/${answered.env}) after batch ${answered.batch} of ${answered.of} as ${answered.by}: ${next}.`,
  );
}

export async function answer(kind: AnswerKind, execution: string, options: AnswerOptions): Promise<void> {
  if (options.local) return answerHere(kind, execution, options);
  await (await import("../aws/approve.js")).answerOnAws(kind, execution, options);
}

/** The checkpoint a local execution waits at: the last "Wait for approval" it entered and has not left. */
function waitingCheckpoint(record: ExecutionRecord): ApprovalCheckpoint | undefined {
  const last = record.steps.at(-1);
  if (last?.state !== "Wait for approval" || last.exitedAt !== undefined) return undefined;
  const before = [...record.steps].reverse().find((step) => (step.output as { progress?: { approval?: ApprovalCheckpoint } } | undefined)?.progress?.approval);
  return (before?.output as { progress: { approval: ApprovalCheckpoint } } | undefined)?.progress.approval;
}

/** `gantry approve|reject --local`: files the answer where the local deploy's checkpoint reads it. */
export async function answerHere(kind: AnswerKind, name: string, options: AnswerOptions, now = Date.now()): Promise<void> {
  const record = recorded(new ExecutionStore(), name, kind);
  if (record.status !== "RUNNING") throw new UsageError(`${record.name} is ${record.status}, not running: there is no checkpoint to answer.`);
  const appEnv = appEnvOfInput(record.input);
  const checkpoint = waitingCheckpoint(record);
  if (!appEnv || !checkpoint) {
    throw new UsageError(
      `${record.name} is not waiting for approval (it is in "${record.steps.at(-1)?.state ?? "no state yet"}"); answer it once it reaches a checkpoint.`,
    );
  }
  const by = cliActor();
  await fileRequests().put(appEnv.app, appEnv.env, {
    kind,
    execution: record.name,
    by,
    at: now,
    checkpoint: checkpoint.batch,
    ...(options.reason ? { reason: options.reason } : {}),
  });
  printAnswer(
    { kind, execution: record.name, ...appEnv, batch: checkpoint.batch, of: checkpoint.of, by, at: now, ...(options.reason ? { reason: options.reason } : {}) },
    options,
  );
}
