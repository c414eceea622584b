import type { ExecutionRecord } from "../functions/core/executions/execution-record.js";

/**
 * A local execution runs inside the process that started it: when that process is killed the
 * record stays RUNNING, with nothing left to end it. A record whose process is gone is read as
 * it would show on AWS after a Stop: ABORTED, stopped when it was last written.
 */
export function endAbandoned(record: ExecutionRecord, alive: (pid: number) => boolean = processAlive): ExecutionRecord {
  if (record.status !== "RUNNING" || record.pid === undefined || alive(record.pid)) return record;
  const last = record.steps.at(-1);
  return {
    ...record,
    status: "ABORTED",
    stoppedAt: last?.exitedAt ?? last?.enteredAt ?? record.startedAt,
    error: "ProcessEnded",
    cause: `The local process ${record.pid} that ran this execution ended before it did${last ? ` (in "${last.state}")` : ""}.`,
  };
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
