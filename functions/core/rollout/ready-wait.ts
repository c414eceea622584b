/**
 * When a rollout looks again while a batch becomes ready. Readiness is the moment every new
 * instance of the batch is healthy in every target group; it is counted in seconds from the
 * batch's launch, which is also where the Wait after "Launch batch" starts. What the checks saw
 * bounds it from both sides, a window that carries over to the next batch: its first check lands
 * at the top of the window, just after the readiness the previous batch showed, and a window
 * wider than the Wait's one-second grain is probed in the middle, so the bounds close in.
 */

import type { Progress } from "./rollout.js";

/** Readiness lies in (afterSeconds, bySeconds], in seconds since the batch's launch. */
export interface ReadyWindow {
  /** A check this long after the launch found the batch not ready. */
  afterSeconds?: number;
  /** The batch was ready this long after the launch (seen, or predicted from its InService time). */
  bySeconds?: number;
  /** The lower bound was seen in this batch, not carried over from an earlier one. */
  afterSeen?: boolean;
}

/** What a check found: instances still launching, all in service but not all healthy, or ready. */
export type BatchState = "launching" | "in-service" | "ready";

/** Step Functions waits in whole seconds: the bounds need not be closer than that. */
const GRAIN_SECONDS = 1;

/**
 * The window once a check `elapsedSeconds` after the launch saw `state`. ELB counts a target
 * healthy after HealthyThresholdCount passing checks HealthCheckIntervalSeconds apart from its
 * registration, which is when the instance goes InService: a batch seen in service is ready at
 * most `healthyAfterSeconds` later, and one still launching is not ready before that long from
 * now. A bound the check contradicts (the batch is slower or faster than the last one) gives way
 * to what the check saw.
 */
export function narrowWindow(window: ReadyWindow, elapsedSeconds: number, state: BatchState, healthyAfterSeconds: number): ReadyWindow {
  if (state === "ready") {
    const by = Math.min(elapsedSeconds, window.bySeconds ?? elapsedSeconds);
    const after = window.afterSeconds !== undefined && window.afterSeconds < by ? window.afterSeconds : undefined;
    return { ...(after !== undefined ? { afterSeconds: after, afterSeen: window.afterSeen ?? false } : {}), bySeconds: by };
  }
  const notBefore = state === "launching" ? elapsedSeconds + healthyAfterSeconds : elapsedSeconds;
  let by = window.bySeconds !== undefined && window.bySeconds > elapsedSeconds ? window.bySeconds : undefined;
  if (state === "in-service") by = Math.min(by ?? Number.POSITIVE_INFINITY, elapsedSeconds + healthyAfterSeconds);
  if (by !== undefined && notBefore >= by) by = undefined;
  let after = Math.max(window.afterSeconds ?? 0, notBefore);
  if (by !== undefined && after >= by) after = notBefore;
  return { afterSeconds: after, afterSeen: true, ...(by !== undefined ? { bySeconds: by } : {}) };
}

/**
 * The window the next batch starts from. A lower bound no check of this batch confirmed is
 * loosened by the window's width (at least a second), so a fleet that became faster is found
 * out by a probe, and the wait shrinks with it: by doubling steps while probes keep passing.
 */
export function carryWindow(window: ReadyWindow | undefined): ReadyWindow {
  if (window?.bySeconds === undefined) return {};
  const width = window.afterSeconds === undefined ? 0 : window.bySeconds - window.afterSeconds;
  const after = window.afterSeconds === undefined ? undefined : window.afterSeen ? window.afterSeconds : window.afterSeconds - Math.max(GRAIN_SECONDS, width);
  return { bySeconds: window.bySeconds, ...(after !== undefined ? { afterSeconds: Math.max(0, after), afterSeen: false } : {}) };
}

/**
 * Seconds after the launch at which to check next: the top of the window when it is no wider
 * than the grain, else its middle (a probe: a check that finds the batch ready ends the wait,
 * one that does not raises the lower bound). With no upper bound yet, a poll from now.
 */
export function nextCheckOffset(window: ReadyWindow, elapsedSeconds: number, pollSeconds: number): number {
  const by = window.bySeconds;
  if (by === undefined || by <= elapsedSeconds) return elapsedSeconds + pollSeconds;
  const after = Math.max(window.afterSeconds ?? by - pollSeconds, elapsedSeconds);
  if (by - after <= GRAIN_SECONDS) return by;
  return (after + by) / 2;
}

/**
 * The Wait, in whole seconds, that makes the next step look at `targetSeconds` or just after:
 * the step starts `latencySeconds` after its Wait ends, so that is taken off before rounding up.
 */
export function waitUntil(targetSeconds: number, elapsedSeconds: number, latencySeconds: number): number {
  // The epsilon keeps floating-point dust (80.000000001) from costing a whole second.
  return Math.max(1, Math.ceil(targetSeconds - elapsedSeconds - latencySeconds - 1e-9));
}

/**
 * How late a step started at `startedAt` after the Wait its previous step set (which began when
 * that step returned, `waitStartedAt`). Falls back to the last measurement when there is none.
 */
export function measureLatency(previous: { waitStartedAt?: number; waitSeconds: number; stepLatencySeconds?: number }, startedAt: number): number {
  if (previous.waitStartedAt === undefined) return previous.stepLatencySeconds ?? 0;
  return Math.max(0, (startedAt - previous.waitStartedAt) / 1000 - previous.waitSeconds);
}

/** When a step ran: it started at `startedAt`, observed the fleet by `seenAt` and returns at `endedAt`. */
export interface StepTimes {
  startedAt: number;
  seenAt: number;
  endedAt: number;
}

/**
 * The progress of a batch just launched: its first Wait lands where the previous batch's window
 * says the batch will be ready (a poll for the first batch).
 */
export function launchedProgress(
  previous: Progress,
  pollSeconds: number,
  times: StepTimes,
): Pick<Progress, "launchedAt" | "waitStartedAt" | "waitSeconds" | "stepLatencySeconds" | "readyWindow"> {
  const latency = measureLatency(previous, times.startedAt);
  const window = carryWindow(previous.readyWindow);
  return {
    launchedAt: times.endedAt,
    waitStartedAt: times.endedAt,
    waitSeconds: waitUntil(nextCheckOffset(window, 0, pollSeconds), 0, latency),
    stepLatencySeconds: latency,
    readyWindow: window,
  };
}

/**
 * The progress after "Check new instances" saw the batch in `state`: ready, or the Wait to its
 * next check, landing just after the readiness the window predicts. A batch not yet ready is
 * bounded by the moment the step started, a ready one by the moment it had looked.
 */
export function checkedProgress(progress: Progress, state: BatchState, healthyAfterSeconds: number, pollSeconds: number, times: StepTimes): Progress {
  const latency = measureLatency(progress, times.startedAt);
  const launchedAt = progress.launchedAt ?? progress.batchStartedAt;
  const seconds = (at: number) => (at - launchedAt) / 1000;
  const window = narrowWindow(progress.readyWindow ?? {}, seconds(state === "ready" ? times.seenAt : times.startedAt), state, healthyAfterSeconds);
  const timed = { ...progress, readyWindow: window, stepLatencySeconds: latency, waitStartedAt: times.endedAt };
  if (state === "ready") return { ...timed, ready: true, waitSeconds: 0 };
  const elapsed = seconds(times.endedAt);
  return { ...timed, waitSeconds: waitUntil(nextCheckOffset(window, elapsed, pollSeconds), elapsed, latency) };
}
