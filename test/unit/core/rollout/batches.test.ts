import { describe, expect, it } from "vitest";
import { planBatchSizes } from "../../../../functions/core/rollout/batches.js";
import type { BatchStep } from "../../../../functions/core/config/input.js";

/** Deterministic pseudo-random numbers (mulberry32), so a failing case can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function sum(sizes: readonly number[]): number {
  return sizes.reduce((total, size) => total + size, 0);
}

describe("planBatchSizes", () => {
  it("treats counts and percentages as cumulative targets", () => {
    const sizes = planBatchSizes([1, "25%", "100%"], 40);

    expect(sizes).toEqual([1, 9, 30]);
  });

  it("repeats the last increment after the last step", () => {
    const sizes = planBatchSizes(["1%"], 5_000);

    expect(sizes).toHaveLength(100);
    expect(new Set(sizes)).toEqual(new Set([50]));
  });

  it("rounds a share up to whole instances", () => {
    const sizes = planBatchSizes(["25%"], 12);

    expect(sizes).toEqual([3, 3, 3, 3]);
  });

  it("rounds a share that is not whole up, and shortens the last batch to what is left", () => {
    const sizes = planBatchSizes(["30%"], 10);

    expect(sizes).toEqual([3, 3, 3, 1]);
  });

  it("rounds an exact share to exactly that many instances", () => {
    // 7% of 100 is 7; 0.07 * 100 in floating point is 7.000000000000001, which must not round up to 8.
    const sizes = planBatchSizes(["7%"], 100);

    expect(sizes[0]).toBe(7);
    expect(sizes).toEqual([...Array<number>(14).fill(7), 2]);
  });

  it("drops steps that do not move forward", () => {
    const sizes = planBatchSizes([5, 3, "10%", 8], 20);

    expect(sizes).toEqual([5, 3, 3, 3, 3, 3]);
  });

  it("caps a count larger than the fleet at the fleet", () => {
    const sizes = planBatchSizes([50], 10);

    expect(sizes).toEqual([10]);
  });

  it("replaces everything in one batch for 100%", () => {
    const sizes = planBatchSizes(["100%"], 7);

    expect(sizes).toEqual([7]);
  });

  it("returns no batches when nothing is to be replaced", () => {
    expect(planBatchSizes(["25%"], 0)).toEqual([]);
    expect(planBatchSizes([1, "50%"], -3)).toEqual([]);
  });

  it("always sums to the total with every batch a positive whole number", () => {
    const next = random(20_250_304);
    const failures: string[] = [];
    for (let round = 0; round < 2_000; round++) {
      const total = 1 + Math.floor(next() * (round % 10 === 0 ? 5_000 : 300));
      const steps: BatchStep[] = Array.from({ length: 1 + Math.floor(next() * 5) }, (): BatchStep => {
        if (next() < 0.5) return 1 + Math.floor(next() * 60);
        const percent = next() < 0.5 ? 1 + Math.floor(next() * 100) : Math.round((0.1 + next() * 99.9) * 10) / 10;
        return `${percent}%`;
      });

      const sizes = planBatchSizes(steps, total);

      const ok = sum(sizes) === total && sizes.every((size) => Number.isInteger(size) && size > 0);
      if (!ok) failures.push(`${JSON.stringify(steps)} on ${total} gave ${JSON.stringify(sizes)}`);
    }
    expect(failures).toEqual([]);
  });
});
