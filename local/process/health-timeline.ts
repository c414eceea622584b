import type { HealthFailure } from "../cloud/index.js";

interface Change {
  from: number;
  healthy: boolean;
  failure?: HealthFailure;
}

/**
 * What one process's health checks said, on the cloud clock. The caller stamps each result
 * just after the moment it arrived, later than any moment the cloud can already have evaluated,
 * so the past the cloud folded into a target's health is never rewritten. Only changes are kept.
 */
export class HealthTimeline {
  private readonly changes: Change[] = [];
  private checkedThrough = -Infinity;
  private ended = false;

  /** A check result that arrived at `at` (cloud time); a failing one says how it failed. */
  record(at: number, healthy: boolean, failure?: HealthFailure): void {
    if (this.ended) return;
    const last = this.changes.at(-1);
    const stamp = Math.max(at, last?.from ?? at, this.checkedThrough);
    this.checkedThrough = stamp;
    if (last?.healthy !== healthy || (!healthy && last.failure !== failure)) this.changes.push({ from: stamp, healthy, ...(failure ? { failure } : {}) });
  }

  /** The process is gone: nothing accepts a connection from `at` on, for good. */
  end(at: number): void {
    this.record(at, false, "Target.FailedHealthChecks");
    this.ended = true;
  }

  /** How a check at `at` fails: as the latest failing result said. */
  failureAt(at: number): HealthFailure {
    let failure: HealthFailure = "Target.FailedHealthChecks";
    for (const change of this.changes) {
      if (change.from > at) break;
      if (!change.healthy) failure = change.failure ?? "Target.ResponseCodeMismatch";
    }
    return failure;
  }

  /** The latest result known at `at`; unhealthy before the first passing check. */
  healthyAt(at: number): boolean {
    let healthy = false;
    for (const change of this.changes) {
      if (change.from > at) break;
      healthy = change.healthy;
    }
    return healthy;
  }

  /**
   * When the answer may next differ after `after`: the next recorded change, else just past the
   * newest result (nothing is known beyond it), or never once the process has ended.
   */
  nextChange(after: number): number | undefined {
    const next = this.changes.find((change) => change.from > after);
    if (next) return next.from;
    if (this.ended) return undefined;
    return Math.max(after, this.checkedThrough) + 1;
  }
}
