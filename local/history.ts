/**
 * Counts the events the same execution would write to its Step Functions history, from the
 * local runner's events. AWS writes, for a standard workflow calling Lambda by ARN:
 *   ExecutionStarted 1, and ExecutionSucceeded / ExecutionFailed 1;
 *   Task: TaskStateEntered, LambdaFunctionScheduled, LambdaFunctionStarted,
 *         LambdaFunctionSucceeded (or Failed), TaskStateExited = 5,
 *         and 3 more per retry (Scheduled, Started, Succeeded/Failed);
 *   Choice, Wait, Pass, Succeed: …StateEntered + …StateExited = 2;
 *   Fail: FailStateEntered = 1 (the ExecutionFailed that follows is counted above).
 * State transitions, which AWS bills, are one per state entered plus one per retry.
 */
export interface HistoryTally {
  historyEvents: number;
  transitions: number;
}

const PER_STATE: Record<string, number> = { Task: 5, Choice: 2, Wait: 2, Pass: 2, Succeed: 2, Fail: 1, Map: 2, Parallel: 2 };

export function newTally(): HistoryTally {
  return { historyEvents: 0, transitions: 0 };
}

/** Adds one runner event (`type`, and the state's type for state events) to the tally. */
export function countEvent(tally: HistoryTally, type: string, stateType?: string): void {
  switch (type) {
    case "ExecutionStarted":
    case "ExecutionSucceeded":
    case "ExecutionFailed":
    case "ExecutionAborted":
    case "ExecutionTimeout":
      tally.historyEvents += 1;
      return;
    case "StateEntered":
      tally.historyEvents += PER_STATE[stateType ?? ""] ?? 2;
      tally.transitions += 1;
      return;
    case "StateRetried":
      tally.historyEvents += 3;
      tally.transitions += 1;
      return;
    default:
      return;
  }
}
