import { describe, expect, it } from "vitest";
import { ScaledClock } from "../../../local/clock.js";

describe("ScaledClock", () => {
  it("starts at the given time and runs factor times faster than real time", async () => {
    const clock = new ScaledClock(50, Date.UTC(2026, 0, 5, 9, 0, 0));
    const before = clock.now();
    const realBefore = performance.now();

    await new Promise((resolve) => setTimeout(resolve, 100));

    const virtual = clock.now() - before;
    const real = performance.now() - realBefore;
    expect(before - Date.UTC(2026, 0, 5, 9, 0, 0)).toBeLessThan(50 * 20);
    expect(virtual).toBeGreaterThanOrEqual(50 * 95);
    expect(virtual).toBeLessThanOrEqual(50 * (real + 5));
  });

  it("sleeps ms of its own time in ms / factor real time, never waking early", async () => {
    const clock = new ScaledClock(100);
    const start = clock.now();
    const realStart = performance.now();

    await clock.sleep(10_000);

    expect(clock.now() - start).toBeGreaterThanOrEqual(10_000);
    expect(performance.now() - realStart).toBeLessThan(1_000);
    expect(clock.realMs(30_000)).toBe(300);
  });

  it("rejects a factor that is not a positive number", () => {
    expect(() => new ScaledClock(0)).toThrow(RangeError);
    expect(() => new ScaledClock(-2)).toThrow(/factor > 0, got -2/);
    expect(() => new ScaledClock(Number.NaN)).toThrow(RangeError);
  });
});
