import "./polyfill.js";
import { StateMachine, type StateMachineDefinition } from "aws-local-stepfunctions";
import type { Clock } from "./clock.js";
import { deployHandlers, type LambdaHandler } from "./handlers.js";
import { countEvent, newTally } from "./history.js";
import type { ExecutionEvent, ExecutionRecord, StepRecord } from "../functions/core/executions/execution-record.js";

export interface RunOptions {
  definition: StateMachineDefinition;
  input: unknown;
  name: string;
  clock: Clock;
  handlers?: Record<string, LambdaHandler>;
  onEvent?: (event: ExecutionEvent) => void;
  /** Called as the record changes (at most every `recordEveryMs` of real time), to persist it. */
  onRecord?: (record: ExecutionRecord) => void;
  recordEveryMs?: number;
  /** Called after each slice of simulated waiting (at most `tickMs` long): lets tests watch the fleet while time passes. */
  onTick?: () => void;
  tickMs?: number;
  /**
   * Simulated latency of every Lambda step: the clock moves this far before each Task's handler
   * runs, as an invocation's start-up and round trips would take on AWS (benchmarks only).
   */
  stepLatencyMs?: number;
  /**
   * Ends the execution from outside, as a Stop from the console (reason "ABORTED", the default)
   * or the execution timeout ("TIMED_OUT") would on AWS: no Catch runs, the step in flight is
   * left to finish, and nothing after it starts.
   */
  signal?: AbortSignal;
}

/**
 * Runs a state machine definition in-process with aws-local-stepfunctions, each Task calling
 * the handler of its `${...}` placeholder, on the runtime local mode provided (whose clock
 * should be `clock`: createLocalFleet and createPowerWorld see to it). Wait states and retry intervals take no real time
 * of their own: the runner turns them into `clock.sleep`, so a virtual clock skips them and a
 * real clock waits them out.
 */
export async function runExecution(options: RunOptions): Promise<ExecutionRecord> {
  const { definition, clock } = options;
  const handlers = options.handlers ?? deployHandlers;
  const record: ExecutionRecord = {
    name: options.name,
    status: "RUNNING",
    startedAt: clock.now(),
    input: options.input,
    historyEvents: 0,
    transitions: 0,
    maxPayloadBytes: 0,
    steps: [],
    pid: process.pid,
  };
  const tally = newTally();
  let owedWaitMs = 0;
  const payWait = async () => {
    // Let the event reader see every event dispatched so far (it runs on microtasks).
    await new Promise((resolve) => setImmediate(resolve));
    while (owedWaitMs > 0) {
      const slice = options.tickMs ? Math.min(owedWaitMs, options.tickMs) : owedWaitMs;
      owedWaitMs -= slice;
      await clock.sleep(slice);
      options.onTick?.();
    }
  };

  const taskHandlers: Record<string, (input: unknown) => Promise<unknown>> = {};
  const waitOverrides: Record<string, number> = {};
  const retryOverrides: Record<string, number> = {};
  const states = localStates(definition);
  for (const [name, state] of Object.entries(states)) {
    if (state.Type === "Wait") waitOverrides[name] = 0;
    if (state.Type !== "Task") continue;
    retryOverrides[name] = 0;
    const callback = state.Resource === CALLBACK_RESOURCE;
    const target = callback ? String((state.Parameters as { FunctionName?: unknown } | undefined)?.FunctionName ?? "") : state.Resource;
    const placeholder = /^\$\{(\w+)\}$/.exec(target)?.[1];
    const handler = placeholder ? handlers[placeholder] : undefined;
    if (!handler) throw new Error(`No local handler for Task "${name}" (resource ${state.Resource}).`);
    taskHandlers[name] = async (input) => {
      await payWait();
      if (options.stepLatencyMs) await clock.sleep(options.stepLatencyMs);
      try {
        // A callback Task's Lambda gets the Payload its Parameters built, as lambda:invoke sends it.
        return await handler(callback ? (input as { Payload?: unknown }).Payload : input, {} as never);
      } catch (error) {
        throw asLambdaError(error);
      }
    };
  }

  const machine = new StateMachine({ ...definition, States: states } as StateMachineDefinition);
  const execution = machine.run(options.input as never, {
    // No task tokens here: a callback Task's handler waits for its answer itself (local/approvals.ts).
    context: { Execution: { Name: options.name, StartTime: new Date(record.startedAt).toISOString() }, Task: { Token: LOCAL_TASK_TOKEN } } as never,
    overrides: { taskResourceLocalHandlers: taskHandlers as never, waitTimeOverrides: waitOverrides, retryIntervalOverrides: retryOverrides },
  });
  options.signal?.addEventListener("abort", () => execution.abort(), { once: true });
  const open = new Map<string, StepRecord>();
  let recordedAt = 0;
  const persist = () => {
    if (!options.onRecord || Date.now() - recordedAt < (options.recordEveryMs ?? 250)) return;
    recordedAt = Date.now();
    record.historyEvents = tally.historyEvents;
    record.transitions = tally.transitions;
    options.onRecord(record);
  };
  const reader = (async () => {
    for await (const event of execution.eventLogs) {
      countEvent(tally, event.type, "state" in event ? event.state.type : undefined);
      if (!("state" in event)) continue;
      const { name, type, input, output } = event.state;
      record.maxPayloadBytes = Math.max(record.maxPayloadBytes, jsonBytes(input), output === undefined ? 0 : jsonBytes(output));
      if (event.type === "StateEntered") {
        const step: StepRecord = { state: name, type, enteredAt: clock.now() };
        record.steps.push(step);
        open.set(name, step);
        if (type === "Wait") owedWaitMs += waitSeconds(definition, name, input, clock.now()) * 1000;
        options.onEvent?.({ kind: "entered", step });
        persist();
      } else if (event.type === "StateExited") {
        const step = open.get(name);
        if (step) {
          step.exitedAt = clock.now();
          step.output = output;
          options.onEvent?.({ kind: "exited", step });
        }
      } else if (event.type === "StateRetried") {
        owedWaitMs += retryDelaySeconds(event.retry.retrier, event.retry.attempt) * 1000;
        options.onEvent?.({ kind: "retried", state: name, error: "", attempt: event.retry.attempt });
      } else if (event.type === "StateFailed") {
        const step = open.get(name);
        if (step) step.error = event.Error;
      } else if (event.type === "StateCaught") {
        options.onEvent?.({ kind: "caught", state: name, error: open.get(name)?.error ?? "" });
      }
    }
  })();

  try {
    record.output = await execution.result;
    record.status = "SUCCEEDED";
  } catch (error) {
    if (options.signal?.aborted) {
      record.status = options.signal.reason === "TIMED_OUT" ? "TIMED_OUT" : "ABORTED";
      if (record.status === "TIMED_OUT") record.error = "States.Timeout";
    } else {
      record.status = "FAILED";
      const failure = error as { name?: string; message?: string; cause?: unknown };
      const inner = (failure.cause ?? failure) as { name?: string; message?: string; Error?: string; Cause?: string };
      record.error = inner.name ?? failure.name;
      record.cause = inner.message ?? failure.message;
    }
  }
  await reader;
  record.stoppedAt = clock.now();
  record.historyEvents = tally.historyEvents;
  record.transitions = tally.transitions;
  options.onRecord?.(record);
  return record;
}

/** Lambda reports a thrown error as `{ errorType, errorMessage }` in the Cause; so does local mode. */
function asLambdaError(error: unknown): Error {
  const source = error instanceof Error ? error : new Error(String(error));
  const wrapped = new Error(JSON.stringify({ errorType: source.name, errorMessage: source.message }));
  wrapped.name = source.name;
  return wrapped;
}

function waitSeconds(definition: StateMachineDefinition, name: string, input: unknown, now: number): number {
  const state = definition.States[name] as { Seconds?: number; SecondsPath?: string; Timestamp?: string; TimestampPath?: string };
  if (state.Seconds !== undefined) return state.Seconds;
  // A wait until an instant lasts from now to then on the local clock; one already past is no wait, as on AWS.
  const until = state.Timestamp ?? (state.TimestampPath ? readPath(input, state.TimestampPath) : undefined);
  if (typeof until === "string") return Math.max(0, Date.parse(until) - now) / 1000;
  if (!state.SecondsPath) return 0;
  const value = readPath(input, state.SecondsPath);
  return typeof value === "number" ? value : 0;
}

function retryDelaySeconds(retrier: { IntervalSeconds?: number; BackoffRate?: number; MaxDelaySeconds?: number }, attempt: number): number {
  const delay = (retrier.IntervalSeconds ?? 1) * (retrier.BackoffRate ?? 2) ** Math.max(0, attempt - 1);
  return Math.min(delay, retrier.MaxDelaySeconds ?? Number.POSITIVE_INFINITY);
}

/** Resolves a simple reference path such as `$.progress.waitSeconds`. */
function readPath(root: unknown, path: string): unknown {
  return path
    .replace(/^\$\.?/, "")
    .split(".")
    .filter(Boolean)
    .reduce<unknown>((node, key) => (node !== null && typeof node === "object" ? (node as Record<string, unknown>)[key] : undefined), root);
}

function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value) ?? "");
}

/** The resource of a Task that waits for a task token: Lambda invoked with `$$.Task.Token` in its Payload. */
const CALLBACK_RESOURCE = "arn:aws:states:::lambda:invoke.waitForTaskToken";

/** What `$$.Task.Token` reads locally: the runner has no tokens, and nothing answers one. */
export const LOCAL_TASK_TOKEN = "local-task-token";

/**
 * The states as the local runner runs them. aws-local-stepfunctions reads a Task's
 * TimeoutSecondsPath from the effective input (after Parameters), where AWS reads it from the
 * state's input; a callback Task's local handler enforces that timeout itself, so the path is
 * left out here rather than read from the wrong place.
 */
function localStates(definition: StateMachineDefinition): StateMachineDefinition["States"] {
  return Object.fromEntries(
    Object.entries(definition.States).map(([name, state]) => {
      if (state.Type !== "Task" || state.Resource !== CALLBACK_RESOURCE) return [name, state];
      const rest: typeof state & { TimeoutSecondsPath?: string } = { ...state };
      delete rest.TimeoutSecondsPath;
      return [name, rest];
    }),
  ) as StateMachineDefinition["States"];
}
