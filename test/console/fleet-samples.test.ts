import { describe, expect, it } from "vitest";
import { fleetChart, sampleFromReport, sampleGroup } from "../../console/fleet-samples.js";
import { trafficChart } from "../../console/traffic-samples.js";

describe("fleet samples", () => {
  it("counts a group's instances by release and lifecycle state, Pending:Wait as Pending", () => {
    const sample = sampleGroup(
      {
        desiredCapacity: 6,
        serving: 5,
        instances: [
          { release: "v1", lifecycle: "InService" },
          { release: "v1", lifecycle: "InService" },
          { release: "v1", lifecycle: "Standby" },
          { release: "v2", lifecycle: "Pending:Wait" },
          { release: "v2", lifecycle: "InService" },
          { release: undefined, lifecycle: "InService" },
        ],
      },
      1_000,
    );

    expect(sample).toEqual({
      at: 1_000,
      desired: 6,
      serving: 5,
      counts: { "v1 InService": 2, "v1 Standby": 1, "v2 Pending": 1, "v2 InService": 1, "untagged InService": 1 },
    });
  });

  it("reads the fleet line of step reports as the deploy writes them", () => {
    const launching = sampleFromReport("batch 1 of 4: launching 1 (desired 5, 1 new wanted); desired 4, 4 on v1 in service, 4 serving", 5);
    const retiring = sampleFromReport(
      "batch 2 of 2: batch baked and gated; desired 4, 4 on v2 (4 healthy), 1 old draining, 3 old in Standby, 2 terminating, 4 serving",
      9,
      "v1",
    );

    expect(launching).toEqual({ at: 5, desired: 4, serving: 4, counts: { "v1 InService": 4 } });
    expect(retiring).toEqual({
      at: 9,
      desired: 4,
      serving: 4,
      counts: { "v2 InService": 4, "v1 EnteringStandby": 1, "v1 Standby": 3, "leaving Terminating": 2 },
    });
  });

  it("finds no sample in a report without a fleet line", () => {
    expect(sampleFromReport("hello/prod locked; this deploy is v1 (v2)", 0)).toBeUndefined();
  });

  it("charts every series over the same x, zero where a series has no instances, then serving and the floor", () => {
    const chart = fleetChart(
      [
        { at: 10_000, desired: 4, serving: 4, counts: { "v1 InService": 4 } },
        { at: 25_000, desired: 5, serving: 5, counts: { "v1 InService": 4, "v2 InService": 1 } },
      ],
      10_000,
      4,
    );

    expect(chart.labels).toEqual(["v1 InService", "v2 InService", "serving", "capacity floor"]);
    expect(chart.data).toEqual([
      [0, 15],
      [4, 4],
      [0, 1],
      [4, 5],
      [4, 4],
    ]);
  });
});

describe("traffic samples", () => {
  it("turns running totals into rates per real second within the execution's time", () => {
    const samples = [
      { at: 0, realMs: 0, total: 0, failed: 0 },
      { at: 1_000, realMs: 500, total: 10, failed: 0 },
      { at: 2_000, realMs: 1_000, total: 30, failed: 1 },
      { at: 9_000, realMs: 5_000, total: 400, failed: 1 },
    ];

    const chart = trafficChart(samples, 1_000, 2_000);

    expect(chart.data).toEqual([[1], [40], [2]]);
    expect(chart).toMatchObject({ total: 20, failed: 1 });
  });
});
