/**
 * Where local mode reads the time. The local cloud and the local runner take a Clock instead of
 * calling Date.now(), so a test can pin time and a simulation can cover hours in milliseconds.
 */
export interface Clock {
  /** Current time, epoch milliseconds. */
  now(): number;
  /** Resolves once `ms` milliseconds of this clock's time have passed. */
  sleep(ms: number): Promise<void>;
}

/** Monday 5 January 2026, 09:00 UTC: a working-hours start, so schedules have something to do. */
export const DEFAULT_VIRTUAL_START = Date.UTC(2026, 0, 5, 9, 0, 0);

/**
 * Time that moves only when told to. `sleep` moves it forward instead of waiting, so a poll loop
 * that sleeps 30 s between checks runs as fast as the code in between.
 */
export class VirtualClock implements Clock {
  private current: number;

  constructor(startEpochMs: number = DEFAULT_VIRTUAL_START) {
    this.current = startEpochMs;
  }

  now(): number {
    return this.current;
  }

  /**
   * Advances time by `ms` at once and resolves. Sleeps are not interleaved: two callers sleeping
   * side by side move time twice, so drive a simulation from one loop.
   */
  sleep(ms: number): Promise<void> {
    this.advance(Math.max(0, ms));
    return Promise.resolve();
  }

  /** Moves time forward by `ms`. */
  advance(ms: number): void {
    if (ms < 0) throw new RangeError(`VirtualClock.advance needs ms >= 0, got ${ms}`);
    this.current += ms;
  }

  /** Jumps to `epochMs`; the local cloud evaluates state as of now, so time never goes back. */
  set(epochMs: number): void {
    if (epochMs < this.current) {
      throw new RangeError(`VirtualClock.set cannot go back in time: ${new Date(epochMs).toISOString()} is before ${new Date(this.current).toISOString()}`);
    }
    this.current = epochMs;
  }
}

/** Real time, for local runs a person watches. */
export class SystemClock implements Clock {
  now(): number {
    return Date.now();
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
  }
}

/**
 * Real time sped up `factor` times: AWS-sized waits (60 s boots, 10 s health checks, 30 s
 * deregistration) pass in seconds while real processes serve real requests. Elapsed time is
 * read from the monotonic `performance.now()`, so a wall-clock adjustment never moves it back,
 * which the local cloud relies on.
 */
export class ScaledClock implements Clock {
  private readonly realStart = performance.now();
  private readonly start: number;

  constructor(
    readonly factor: number,
    startEpochMs: number = Date.now(),
  ) {
    if (!Number.isFinite(factor) || factor <= 0) throw new RangeError(`ScaledClock needs a factor > 0, got ${factor}`);
    this.start = startEpochMs;
  }

  now(): number {
    return this.start + Math.floor((performance.now() - this.realStart) * this.factor);
  }

  /** Waits `ms` of this clock's time: `ms / factor` real milliseconds. */
  async sleep(ms: number): Promise<void> {
    const until = this.now() + Math.max(0, ms);
    // Node may fire a timer a fraction of a millisecond early; scaled up, that would let a
    // caller wake before its deadline, so wait out any remainder.
    for (let left = ms; left > 0; left = until - this.now()) {
      await new Promise((resolve) => setTimeout(resolve, Math.max(1, this.realMs(left))));
    }
  }

  /** Real milliseconds that `ms` of this clock's time take. */
  realMs(ms: number): number {
    return Math.max(0, ms) / this.factor;
  }
}
