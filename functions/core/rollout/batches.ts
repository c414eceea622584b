import type { BatchStep } from "../config/input.js";

/**
 * Turns a batch list into batch sizes for `total` instances to replace.
 *
 * Each step is a cumulative target: a count (`1`) or a share of `total` (`"25%"`, rounded up).
 * `[1, "25%", "100%"]` on 40 instances gives a canary of 1, then up to 10, then the rest.
 * After the last step the last increment repeats, so `["1%"]` on 5,000 gives 100 batches of 50.
 * Steps that would not move forward are dropped; the result always sums to `total`.
 */
export function planBatchSizes(steps: readonly BatchStep[], total: number): number[] {
  if (total <= 0) return [];
  const sizes: number[] = [];
  let done = 0;
  let lastIncrement = 0;
  for (const step of steps) {
    const target = Math.min(total, cumulativeTarget(step, total));
    if (target <= done) continue;
    sizes.push(target - done);
    lastIncrement = target - done;
    done = target;
  }
  const repeat = Math.max(1, lastIncrement);
  while (done < total) {
    const size = Math.min(repeat, total - done);
    sizes.push(size);
    done += size;
  }
  return sizes;
}

/**
 * `percent`% of `total`, rounded up. Multiplies before dividing and forgives float noise, so
 * 7% of 100 is 7, not the 8 that `Math.ceil(0.07 * 100)` gives.
 */
export function shareOf(percent: number, total: number): number {
  return Math.ceil((percent * total) / 100 - 1e-9);
}

/** How many instances a step means of `total`: a count as it is, a share rounded up. */
export function cumulativeTarget(step: BatchStep, total: number): number {
  if (typeof step === "number") return step;
  return shareOf(Number.parseFloat(step), total);
}
