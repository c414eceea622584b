import type { Attempt } from "./forward.js";

/** What the balancer did so far, as a test or the demo reports it. */
export interface BalancerStats {
  /** Requests received from clients. */
  requests: number;
  /** Responses relayed from each target (by instance id). */
  proxied: Record<string, number>;
  /** Requests sent to each target and not yet finished. */
  inFlight: Record<string, number>;
  /** Requests sent on to another target after one failed before answering. */
  retries: number;
  /** Status codes the balancer answered itself (502, 503, 504, 413, 500), by code. */
  ownAnswers: Record<string, number>;
  /** Responses the balancer itself answered with a 5xx. */
  balancerErrors: number;
  /** Responses cut off mid-body because the target failed. */
  broken: number;
}

/** Counts kept while the balancer runs; `snapshot` copies them out. */
export class BalancerStatsRecorder {
  private requests = 0;
  private retries = 0;
  private broken = 0;
  private readonly proxied = new Map<string, number>();
  private readonly inFlight = new Map<string, number>();
  private readonly ownAnswers = new Map<string, number>();

  received(): void {
    this.requests++;
  }

  started(instanceId: string): void {
    bump(this.inFlight, instanceId, 1);
  }

  finished(instanceId: string, attempt: Attempt): void {
    bump(this.inFlight, instanceId, -1);
    if (attempt.kind === "relayed") bump(this.proxied, instanceId, 1);
    if (attempt.kind === "broken") this.broken++;
  }

  retried(): void {
    this.retries++;
  }

  answeredByBalancer(status: number): void {
    bump(this.ownAnswers, String(status), 1);
  }

  snapshot(): BalancerStats {
    const ownAnswers = Object.fromEntries(this.ownAnswers);
    const balancerErrors = [...this.ownAnswers].filter(([code]) => code.startsWith("5")).reduce((sum, [, n]) => sum + n, 0);
    return {
      requests: this.requests,
      proxied: Object.fromEntries(this.proxied),
      inFlight: Object.fromEntries([...this.inFlight].filter(([, n]) => n > 0)),
      retries: this.retries,
      ownAnswers,
      balancerErrors,
      broken: this.broken,
    };
  }
}

function bump(counts: Map<string, number>, key: string, by: number): void {
  counts.set(key, (counts.get(key) ?? 0) + by);
}
