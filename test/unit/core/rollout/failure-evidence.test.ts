import { describe, expect, it } from "vitest";
import { CONSOLE_TAIL_LINES, consoleTail, explainFailure, keepActivities, suspects } from "../../../../functions/core/rollout/failure-evidence.js";
import { group, health, newInstances, view } from "../../fixtures.js";

describe("consoleTail", () => {
  it("keeps the last lines without terminal escapes or carriage returns", () => {
    const lines = Array.from({ length: 30 }, (_, index) => `\u001b[0;32m[  OK  ]\u001b[0m line ${index + 1}\r`);

    const tail = consoleTail(lines.join("\n"));

    expect(tail).toHaveLength(CONSOLE_TAIL_LINES);
    expect(tail[0]).toBe("[  OK  ] line 11");
    expect(tail.at(-1)).toBe("[  OK  ] line 30");
  });

  it("caps each line and the whole tail, keeping the newest lines", () => {
    const tail = consoleTail(Array.from({ length: 20 }, (_, index) => `${index}:${"x".repeat(400)}`).join("\n"));

    expect(tail.every((line) => line.length <= 200)).toBe(true);
    expect(tail.join("\n").length).toBeLessThanOrEqual(2000);
    expect(tail.at(-1)).toMatch(/^19:x+…$/);
  });
});

describe("suspects", () => {
  it("picks new instances not yet InService first, then those reported unhealthy, at most two", () => {
    const [serving, unhealthy, pending, initial] = [
      ...newInstances(1),
      ...newInstances(1, { from: 2 }),
      ...newInstances(1, { from: 3, state: "Pending" }),
      ...newInstances(1, { from: 4 }),
    ];
    const members = [serving!, unhealthy!, pending!, initial!];
    const targets = [...health([serving!]), ...health([unhealthy!], "unhealthy"), ...health([initial!], "initial")];

    const chosen = suspects(view(group(members), targets), members);

    expect(chosen.map((instance) => instance.id)).toEqual([pending!.id, unhealthy!.id]);
  });
});

describe("explainFailure", () => {
  it("names the failed activities and the first console tail", () => {
    const words = explainFailure({
      activities: keepActivities([
        {
          at: "2025-03-04T09:01:00.000Z",
          status: "Failed",
          description: "Launching a new EC2 instance",
          message: "Access denied when attempting to assume role",
        },
      ]),
      console: [
        { instanceId: "i-new001", tail: [] },
        { instanceId: "i-new002", tail: ["cloud-init: starting", "app: EADDRINUSE"] },
      ],
    });

    expect(words).toBe(
      "Auto Scaling activity Failed at 2025-03-04T09:01:00.000Z: Access denied when attempting to assume role. Console of i-new002 (last 2 lines): cloud-init: starting | app: EADDRINUSE",
    );
  });

  it("says when no console could be read, and nothing when AWS said nothing", () => {
    expect(explainFailure({ activities: [], console: [{ instanceId: "i-new001", tail: [], unavailable: "AccessDenied" }] })).toBe(
      "Console of i-new001 not readable (AccessDenied)",
    );
    expect(explainFailure({ activities: [], console: [] })).toBe("");
  });
});
