import { describe, expect, it } from "vitest";
import { HealthTimeline } from "../../../local/process/health-timeline.js";

describe("HealthTimeline", () => {
  it("answers each moment with the latest result known then, unhealthy before the first", () => {
    const timeline = new HealthTimeline();
    timeline.record(1_000, true);
    timeline.record(2_000, true);
    timeline.record(3_000, false);

    expect(timeline.healthyAt(999)).toBe(false);
    expect(timeline.healthyAt(1_000)).toBe(true);
    expect(timeline.healthyAt(2_999)).toBe(true);
    expect(timeline.healthyAt(3_000)).toBe(false);
  });

  it("says the answer holds until the next change, or until just past the newest result", () => {
    const timeline = new HealthTimeline();
    timeline.record(1_000, true);
    timeline.record(5_000, true);
    timeline.record(7_000, false);

    expect(timeline.nextChange(1_500)).toBe(7_000);
    expect(timeline.nextChange(7_000)).toBe(7_001);
    expect(timeline.nextChange(9_000)).toBe(9_001);
  });

  it("never rewrites the past: a late result is stamped after the newest one", () => {
    const timeline = new HealthTimeline();
    timeline.record(1_000, true);
    timeline.record(5_000, true);
    timeline.record(4_000, false);

    expect(timeline.healthyAt(4_500)).toBe(true);
    expect(timeline.healthyAt(5_000)).toBe(false);
  });

  it("stays unhealthy for good once the process ended, and says it will not change", () => {
    const timeline = new HealthTimeline();
    timeline.record(1_000, true);
    timeline.end(2_000);
    timeline.record(3_000, true);

    expect(timeline.healthyAt(10_000)).toBe(false);
    expect(timeline.nextChange(2_000)).toBeUndefined();
  });
});
