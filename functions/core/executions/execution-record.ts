import type { GateEvidence } from "../rollout/gate.js";

/** One state the execution went through, with the times it entered and left it (epoch ms). */
export interface StepRecord {
  state: string;
  type: string;
  enteredAt: number;
  exitedAt?: number;
  output?: unknown;
  error?: string;
}

/**
 * An execution as gantry shows it, wherever it ran: the local runner writes one as it runs
 * (and keeps it under `.gantry/`), and the AWS reader builds one from DescribeExecution and
 * GetExecutionHistory. The CLI formats both with the same code.
 */
export interface ExecutionRecord {
  name: string;
  /** AWS has more statuses than local mode (ABORTED, TIMED_OUT, PENDING_REDRIVE); they are shown as they are. */
  status: "RUNNING" | "SUCCEEDED" | "FAILED" | "ABORTED" | "TIMED_OUT" | "PENDING_REDRIVE";
  startedAt: number;
  stoppedAt?: number;
  input: unknown;
  output?: unknown;
  error?: string;
  cause?: string;
  /** Events in the execution's history (locally: the events AWS would write, see local/history.ts). */
  historyEvents: number;
  transitions: number;
  /** Largest state input or output, in bytes of JSON. */
  maxPayloadBytes: number;
  steps: StepRecord[];
  /** Local runs: the process that runs it, so a record left RUNNING by a killed process reads as ABORTED. */
  pid?: number;
}

/** What an execution reports as it moves: the CLI's live progress reads these, from a local run or an AWS history. */
export type ExecutionEvent =
  | { kind: "entered" | "exited"; step: StepRecord }
  | { kind: "retried"; state: string; error: string; attempt: number }
  | { kind: "caught"; state: string; error: string };

/**
 * What `gantry status` and `gantry history` show of an execution: the fields the Step Functions
 * console shows, plus gantry's own (batch progress, the last gate's evidence), read from the
 * states' outputs exactly as they would be read from an AWS execution history.
 */
export interface ExecutionSummary {
  name: string;
  status: ExecutionRecord["status"];
  release: string;
  currentState: string;
  batch?: { current: number; of: number };
  startedAt: string;
  stoppedAt?: string;
  durationSeconds: number;
  error?: string;
  cause?: string;
  lastSummary?: string;
  evidence?: GateEvidence;
  historyEvents: number;
}

interface StateOutput {
  plan?: { batchCount?: number; summary?: string };
  progress?: { batch?: number; summary?: string; evidence?: GateEvidence };
  rollback?: { summary?: string };
  deployWindow?: { summary?: string };
}

export function summarizeExecution(record: ExecutionRecord, now: number): ExecutionSummary {
  const outputs = record.steps.map((step) => step.output as StateOutput | undefined).filter((output) => output !== undefined);
  const last = outputs.at(-1);
  const batchCount = outputs.find((output) => output.plan?.batchCount !== undefined)?.plan?.batchCount;
  const batchIndex = [...outputs].reverse().find((output) => output.progress?.batch !== undefined)?.progress?.batch;
  const evidence = [...outputs].reverse().find((output) => output.progress?.evidence)?.progress?.evidence;
  const input = record.input as { release?: { id?: string }; mode?: string };
  const end = record.stoppedAt ?? now;
  return {
    name: record.name,
    status: record.status,
    release: input.release?.id ?? (input.mode === "cycle" ? "(cycle)" : input.mode === "recover" ? "(recover)" : "?"),
    currentState: record.steps.at(-1)?.state ?? "(not started)",
    ...(batchCount !== undefined && batchIndex !== undefined && batchIndex >= 0 ? { batch: { current: batchIndex + 1, of: batchCount } } : {}),
    startedAt: new Date(record.startedAt).toISOString(),
    ...(record.stoppedAt !== undefined ? { stoppedAt: new Date(record.stoppedAt).toISOString() } : {}),
    durationSeconds: Math.round((end - record.startedAt) / 100) / 10,
    ...(record.error ? { error: record.error } : {}),
    ...(record.cause ? { cause: record.cause } : {}),
    ...(stepSummary(last) ? { lastSummary: stepSummary(last) } : {}),
    ...(evidence ? { evidence } : {}),
    historyEvents: record.historyEvents,
  };
}

/** The one-line summary a step wrote, whichever part of the state it wrote it in. */
export function stepSummary(output: unknown): string | undefined {
  const state = output as StateOutput | undefined;
  return state?.rollback?.summary ?? state?.progress?.summary ?? state?.plan?.summary ?? state?.deployWindow?.summary;
}

/** A step of `gantry history`: when, how long, and what it said. */
export function describeStep(
  step: StepRecord,
  startedAt: number,
): { state: string; type: string; atSeconds: number; tookSeconds?: number; error?: string; summary?: string } {
  const summary = step.type === "Task" ? stepSummary(step.output) : undefined;
  return {
    state: step.state,
    type: step.type,
    atSeconds: Math.round((step.enteredAt - startedAt) / 100) / 10,
    ...(step.exitedAt !== undefined ? { tookSeconds: Math.round((step.exitedAt - step.enteredAt) / 100) / 10 } : {}),
    ...(step.error ? { error: step.error } : {}),
    ...(summary ? { summary } : {}),
  };
}
