import { runtime } from "./runtime.js";

/**
 * The current time as handlers see it: the runtime's clock. Handlers read it and pass it into
 * core; local mode's runtime carries the local cloud's clock, so hours of rollout run in seconds.
 */
export function now(): number {
  return runtime().now();
}
