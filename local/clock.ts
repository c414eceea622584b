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
      throw new RangeError(
        `VirtualClock.set cannot go back in time: ${new Date(epochMs).toISOString()} is before ${new Date(this.current).toISOString()}`,
      );
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
