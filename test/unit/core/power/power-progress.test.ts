import { describe, expect, it } from "vitest";
import { scheduleSchema } from "../../../../functions/core/power/schedule-config.js";
import { assessStart, assessStop, conclude, dnsChangeFor, listed, planProgress } from "../../../../functions/core/power/power-progress.js";

const office = scheduleSchema.parse({
  timezone: "Asia/Jerusalem",
  workWeek: "SUN-THU",
  on: "08:00",
  off: "18:00",
  holidays: ["2026-04-02"],
  targets: [{ tag: "gantry:schedule=office-hours" }, { autoScalingGroup: "hello-dev" }],
});

describe("assessStart", () => {
  it("waits while an instance is pending or its status checks initialize", () => {
    const verdict = assessStart([
      { id: "i-1", state: "running", checksOk: true, publicIp: "198.51.100.1" },
      { id: "i-2", state: "running", checksOk: false },
      { id: "i-3", state: "pending" },
    ]);
    expect(verdict).toMatchObject({ settled: false, counts: { instances: 3, ready: 1, starting: 2, failed: 0 } });
  });

  it("settles with the addresses of the ready instances, sorted, and names those back in stopped", () => {
    const verdict = assessStart([
      { id: "i-1", state: "running", checksOk: true, publicIp: "198.51.100.9" },
      { id: "i-2", state: "stopped", stateReason: "Server.InternalError" },
      { id: "i-3", state: "running", checksOk: true, publicIp: "198.51.100.2" },
    ]);
    expect(verdict).toMatchObject({
      settled: true,
      failed: ["i-2"],
      addresses: ["198.51.100.2", "198.51.100.9"],
      detail: "1 of 3 did not start: i-2 (Server.InternalError)",
    });
  });
});

describe("assessStop", () => {
  it("leaves kept instances running and keeps their addresses for DNS", () => {
    const verdict = assessStop([
      { id: "i-1", state: "running", publicIp: "198.51.100.1", kept: "until 21:00" },
      { id: "i-2", state: "stopped" },
    ]);
    expect(verdict).toMatchObject({ settled: true, addresses: ["198.51.100.1"], detail: "1 stopped; kept running: i-1 (until 21:00)" });
  });

  it("waits while an instance not kept is still running or stopping", () => {
    expect(
      assessStop([
        { id: "i-1", state: "stopping" },
        { id: "i-2", state: "running" },
      ]).settled,
    ).toBe(false);
  });
});

describe("dnsChangeFor", () => {
  it("upserts a new address or TTL, deletes when nothing is left, and leaves an exact match alone", () => {
    expect(dnsChangeFor(undefined, ["198.51.100.1"], 60)).toBe("upsert");
    expect(dnsChangeFor({ ttl: 60, values: ["198.51.100.1"] }, ["198.51.100.2"], 60)).toBe("upsert");
    expect(dnsChangeFor({ ttl: 300, values: ["198.51.100.1"] }, ["198.51.100.1"], 60)).toBe("upsert");
    expect(dnsChangeFor({ ttl: 60, values: ["198.51.100.1"] }, [], 60)).toBe("delete");
    expect(dnsChangeFor(undefined, [], 60)).toBe("none");
    expect(dnsChangeFor({ ttl: 60, values: ["198.51.100.2", "198.51.100.1"] }, ["198.51.100.1", "198.51.100.2"], 60)).toBe("none");
  });
});

describe("planProgress and conclude", () => {
  it("plans a start on a holiday as a finished no-op with no targets", () => {
    const progress = planProgress("office-hours", office, { action: "start" }, new Date("2026-04-02T05:00:00Z"), 0);
    expect(progress).toMatchObject({ done: true, failed: 0, targets: [], localDate: "2026-04-02" });
    expect(progress.summary).toBe(
      "start of schedule office-hours on 2026-04-02: nothing to do, 2026-04-02 is a holiday of this schedule (Asia/Jerusalem): nothing started.",
    );
  });

  it("fails targets still working at the deadline and counts them", () => {
    const progress = planProgress("office-hours", office, { action: "start" }, new Date("2026-03-24T06:00:00Z"), 0);
    const working = {
      ...progress,
      targets: [
        { ...progress.targets[0]!, detail: "1 of 1 starting" },
        { ...progress.targets[1]!, status: "done" as const, detail: "2 of 2 InService" },
      ],
    };

    expect(conclude(working, progress.deadline - 1, 15)).toMatchObject({ done: false, failed: 0 });
    const late = conclude(working, progress.deadline, 15);

    expect(late).toMatchObject({ done: true, failed: 1 });
    expect(late.summary).toBe(
      "start of schedule office-hours on 2026-03-24: 1 of 2 target(s) failed.\ninstances tagged gantry:schedule=office-hours: failed, timed out: 1 of 1 starting\ngroup hello-dev: done, 2 of 2 InService",
    );
  });

  it("lists at most five ids and counts the rest", () => {
    expect(listed(["a", "b"])).toBe("a, b");
    expect(listed(["a", "b", "c", "d", "e", "f", "g"])).toBe("a, b, c, d, e and 2 more");
  });
});
