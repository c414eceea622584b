import type { DescribeExecutionCommandOutput, HistoryEvent } from "@aws-sdk/client-sfn";
import type { ExecutionRecord, ExecutionEvent, StepRecord } from "../../core/executions/execution-record.js";

/** A failure event of a Task's work: the Lambda (or integration) answered with an error. */
const WORK_FAILED = new Set(["LambdaFunctionFailed", "LambdaFunctionTimedOut", "LambdaFunctionStartFailed", "TaskFailed", "TaskTimedOut", "TaskStartFailed"]);
const WORK_SCHEDULED = new Set(["LambdaFunctionScheduled", "TaskScheduled"]);
const WORK_SUCCEEDED = new Set(["LambdaFunctionSucceeded", "TaskSucceeded"]);

function parse(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    // A payload the history truncated is no longer JSON; the view then shows no summary.
    return undefined;
  }
}

function failureOf(event: HistoryEvent): { error?: string; cause?: string } | undefined {
  return (
    event.lambdaFunctionFailedEventDetails ??
    event.lambdaFunctionTimedOutEventDetails ??
    event.lambdaFunctionStartFailedEventDetails ??
    event.taskFailedEventDetails ??
    event.taskTimedOutEventDetails ??
    event.taskStartFailedEventDetails
  );
}

/**
 * Reads a Step Functions execution history into the record local mode keeps, event by event,
 * so `gantry status`, `history` and `deploy --wait` show an AWS execution with the same view
 * code (batch n of m, what each step reported, the last gate evidence) and the same progress
 * lines as a local one.
 */
export class HistoryReader {
  readonly steps: StepRecord[] = [];
  private input: unknown;
  private startedAt: number | undefined;
  private events = 0;
  private transitions = 0;
  private lastId = 0;
  private attempts = 0;
  private lastFailure: string | undefined;

  constructor(private readonly onEvent: (event: ExecutionEvent) => void = () => {}) {}

  /** The id of the newest event read: where the next poll starts. */
  get lastEventId(): number {
    return this.lastId;
  }

  read(events: readonly HistoryEvent[]): void {
    for (const event of events) this.readOne(event);
  }

  private readOne(event: HistoryEvent): void {
    this.events += 1;
    this.lastId = Math.max(this.lastId, event.id ?? 0);
    const at = event.timestamp?.getTime() ?? 0;
    const type = event.type ?? "";
    if (type === "ExecutionStarted") {
      this.input = parse(event.executionStartedEventDetails?.input);
      this.startedAt = at;
    } else if (type.endsWith("StateEntered") && event.stateEnteredEventDetails?.name) {
      const step: StepRecord = { state: event.stateEnteredEventDetails.name, type: type.slice(0, -"StateEntered".length), enteredAt: at };
      this.steps.push(step);
      this.transitions += 1;
      this.attempts = 0;
      this.lastFailure = undefined;
      this.onEvent({ kind: "entered", step });
    } else if (type.endsWith("StateExited")) {
      const step = this.steps.at(-1);
      if (!step) return;
      // Leaving a state whose last attempt failed means a Catch took the error.
      if (this.lastFailure) this.onEvent({ kind: "caught", state: step.state, error: this.lastFailure });
      step.exitedAt = at;
      step.output = parse(event.stateExitedEventDetails?.output);
      this.onEvent({ kind: "exited", step });
    } else if (WORK_SCHEDULED.has(type)) {
      this.attempts += 1;
      const step = this.steps.at(-1);
      if (this.attempts > 1 && step) {
        delete step.error;
        this.onEvent({ kind: "retried", state: step.state, error: this.lastFailure ?? "an error", attempt: this.attempts - 1 });
      }
    } else if (WORK_SUCCEEDED.has(type)) {
      this.lastFailure = undefined;
    } else if (WORK_FAILED.has(type)) {
      const step = this.steps.at(-1);
      this.lastFailure = failureOf(event)?.error ?? type;
      if (step) step.error = this.lastFailure;
    }
  }

  /** The record of the execution so far; its status, end and cause come from DescribeExecution. */
  record(description: DescribeExecutionCommandOutput): ExecutionRecord {
    return {
      name: description.name ?? "",
      // AWS has more statuses than local mode (ABORTED, TIMED_OUT, PENDING_REDRIVE); the view prints them as they are.
      status: (description.status ?? "RUNNING") as ExecutionRecord["status"],
      startedAt: description.startDate?.getTime() ?? this.startedAt ?? 0,
      ...(description.stopDate ? { stoppedAt: description.stopDate.getTime() } : {}),
      input: parse(description.input) ?? this.input ?? {},
      ...(description.output ? { output: parse(description.output) } : {}),
      ...(description.error ? { error: description.error } : {}),
      ...(description.cause ? { cause: description.cause } : {}),
      historyEvents: this.events,
      transitions: this.transitions,
      maxPayloadBytes: 0,
      steps: this.steps,
    };
  }
}
