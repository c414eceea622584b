/**
 * The current time as handlers see it. Handlers read it once and pass it into core; local
 * mode swaps it for the local cloud's clock so hours of rollout run in seconds.
 */
let source: () => number = () => Date.now();

export function now(): number {
  return source();
}

export function useClock(next: () => number): void {
  source = next;
}
