import { describe, expect, it } from "vitest";
import { DEFAULT_VIRTUAL_START, SystemClock, VirtualClock } from "../../../local/clock.js";

describe("VirtualClock", () => {
  it("starts on Monday 5 January 2026 at 09:00 UTC", () => {
    expect(new VirtualClock().now()).toBe(Date.UTC(2026, 0, 5, 9, 0, 0));
    expect(DEFAULT_VIRTUAL_START).toBe(Date.UTC(2026, 0, 5, 9, 0, 0));
  });

  it("moves time forward on sleep without waiting", async () => {
    const clock = new VirtualClock(0);

    await clock.sleep(30_000);
    clock.advance(5_000);
    clock.set(60_000);

    expect(clock.now()).toBe(60_000);
  });

  it("rejects going back in time", () => {
    const clock = new VirtualClock(10_000);

    expect(() => clock.set(9_999)).toThrow(RangeError);
    expect(() => clock.advance(-1)).toThrow(RangeError);
    expect(clock.now()).toBe(10_000);
  });
});

describe("SystemClock", () => {
  it("reads real time and sleeps for real", async () => {
    const clock = new SystemClock();
    const before = Date.now();

    await clock.sleep(20);

    expect(clock.now() - before).toBeGreaterThanOrEqual(15);
  });
});
