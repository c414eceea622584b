/** "DescribeInstancesCommand" and "DescribeInstances" both name the DescribeInstances operation. */
export function operationName(commandOrOperation: string): string {
  return commandOrOperation.replace(/Command$/, "");
}

/** How many API calls the local cloud answered, in total and per operation. */
export interface CallCounts {
  total: number;
  byCommand: Record<string, number>;
}

/** Counts calls, so tests and benchmarks can check how chatty gantry is with AWS. */
export class CallLog {
  private total = 0;
  private readonly byCommand = new Map<string, number>();

  count(operation: string): void {
    this.total++;
    this.byCommand.set(operation, (this.byCommand.get(operation) ?? 0) + 1);
  }

  snapshot(): CallCounts {
    return { total: this.total, byCommand: Object.fromEntries(this.byCommand) };
  }

  reset(): void {
    this.total = 0;
    this.byCommand.clear();
  }
}

/** Messages AWS sends with its throttling errors; anything else gets a plain injected message. */
const MESSAGES: Record<string, string> = {
  Throttling: "Rate exceeded",
  ThrottlingException: "Rate exceeded",
  RequestLimitExceeded: "Request limit exceeded.",
};

/** Errors scripted to answer the next calls of an operation, in the order they were added. */
export class FaultPlan {
  private readonly queued = new Map<string, { code: string; remaining: number }[]>();

  add(operation: string, code: string, times: number): void {
    const queue = this.queued.get(operation) ?? [];
    queue.push({ code, remaining: times });
    this.queued.set(operation, queue);
  }

  /** The error code and message for this call of `operation`, if one is scripted. */
  take(operation: string): { code: string; message: string } | undefined {
    const queue = this.queued.get(operation);
    const head = queue?.[0];
    if (!queue || !head) return undefined;
    head.remaining--;
    if (head.remaining <= 0) queue.shift();
    return { code: head.code, message: MESSAGES[head.code] ?? `${head.code} (injected by the local cloud)` };
  }
}
