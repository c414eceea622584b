import { describe, expect, it } from "vitest";
import {
  carryWindow,
  checkedProgress,
  launchedProgress,
  measureLatency,
  narrowWindow,
  nextCheckOffset,
  waitUntil,
  type BatchState,
  type ReadyWindow,
} from "../../../../functions/core/rollout/ready-wait.js";
import type { Progress } from "../../../../functions/core/rollout/rollout.js";
import { SECOND, T0 } from "../../fixtures.js";

/** Health checks every 10 s, healthy after 2 of them: ready 20 s after InService. */
const HEALTHY_AFTER = 20;
const POLL = 15;

function progress(overrides: Partial<Progress> = {}): Progress {
  return { batch: -1, phase: "launch", ready: true, done: false, waitSeconds: 0, batchStartedAt: T0, summary: "", ...overrides };
}

interface Fleet {
  /** Seconds after the launch at which the batch is InService, then healthy. */
  inServiceAt: number;
  readyAt: number;
}

interface BatchRun {
  firstWait: number;
  /** Seconds after the launch at which the check that passed the batch looked. */
  passedAt: number;
  checks: number;
}

/**
 * Runs `batches` batches through the launch and check decisions on a fleet with fixed timings,
 * every step starting `latency` seconds after its Wait ends, as the state machine would.
 */
function runBatches(batches: number, fleets: Fleet | ((batch: number) => Fleet), latency: number, start = progress()): BatchRun[] {
  let clock = T0;
  let current = start;
  const runs: BatchRun[] = [];
  for (let batch = 0; batch < batches; batch++) {
    const fleet = typeof fleets === "function" ? fleets(batch) : fleets;
    clock += latency * 1000;
    current = {
      ...current,
      batch,
      ready: false,
      batchStartedAt: clock,
      ...launchedProgress(current, POLL, { startedAt: clock, seenAt: clock, endedAt: clock }),
    };
    const firstWait = current.waitSeconds;
    for (let checks = 1; checks < 50; checks++) {
      clock += (current.waitSeconds + latency) * 1000;
      const elapsed = (clock - (current.launchedAt ?? 0)) / 1000;
      const state: BatchState = elapsed >= fleet.readyAt ? "ready" : elapsed >= fleet.inServiceAt ? "in-service" : "launching";
      current = checkedProgress(current, state, HEALTHY_AFTER, POLL, { startedAt: clock, seenAt: clock, endedAt: clock });
      if (state === "ready") {
        runs.push({ firstWait, passedAt: elapsed, checks });
        break;
      }
    }
  }
  return runs;
}

describe("narrowWindow", () => {
  it("predicts readiness from the InService time: in service at 60 s, healthy by 80 s", () => {
    const window = narrowWindow({ afterSeconds: 65 }, 60, "in-service", HEALTHY_AFTER);

    expect(window).toEqual({ afterSeconds: 65, afterSeen: true, bySeconds: 80 });
  });

  it("knows a batch still launching at 45 s cannot be ready before its health checks, 65 s", () => {
    const window = narrowWindow({}, 45, "launching", HEALTHY_AFTER);

    expect(window).toEqual({ afterSeconds: 65, afterSeen: true });
  });

  it("takes a ready check as the upper bound, keeping a lower bound below it", () => {
    const window = narrowWindow({ afterSeconds: 79, afterSeen: true, bySeconds: 90 }, 80, "ready", HEALTHY_AFTER);

    expect(window).toEqual({ afterSeconds: 79, afterSeen: true, bySeconds: 80 });
  });

  it("drops an upper bound a check contradicts: not ready at 80 s, though the last batch was", () => {
    const window = narrowWindow({ afterSeconds: 79, bySeconds: 80 }, 80, "in-service", HEALTHY_AFTER);

    expect(window).toEqual({ afterSeconds: 80, afterSeen: true, bySeconds: 100 });
  });

  it("drops a lower bound a check contradicts: in service at 40 s, so ready by 60 s, not after 79 s", () => {
    const window = narrowWindow({ afterSeconds: 79, bySeconds: 80 }, 40, "in-service", HEALTHY_AFTER);

    expect(window).toEqual({ afterSeconds: 40, afterSeen: true, bySeconds: 60 });
  });
});

describe("carryWindow", () => {
  it("keeps a lower bound this batch saw, and loosens one it only carried by the window's width, at least a second", () => {
    expect(carryWindow({ afterSeconds: 79, afterSeen: true, bySeconds: 80 })).toEqual({ afterSeconds: 79, afterSeen: false, bySeconds: 80 });
    expect(carryWindow({ afterSeconds: 79.5, afterSeen: false, bySeconds: 80 })).toEqual({ afterSeconds: 78.5, afterSeen: false, bySeconds: 80 });
    expect(carryWindow({ afterSeconds: 76, afterSeen: false, bySeconds: 80 })).toEqual({ afterSeconds: 72, afterSeen: false, bySeconds: 80 });
  });

  it("starts over when nothing bounds readiness from above", () => {
    expect(carryWindow(undefined)).toEqual({});
    expect(carryWindow({ afterSeconds: 65, afterSeen: true })).toEqual({});
  });
});

describe("nextCheckOffset", () => {
  it("lands on the top of a window no wider than a second", () => {
    expect(nextCheckOffset({ afterSeconds: 79.5, bySeconds: 80 }, 0, POLL)).toBe(80);
  });

  it("probes the middle of a wider window", () => {
    expect(nextCheckOffset({ afterSeconds: 65, bySeconds: 80 }, 60, POLL)).toBe(72.5);
  });

  it("polls while nothing bounds readiness from above", () => {
    expect(nextCheckOffset({ afterSeconds: 65 }, 45, POLL)).toBe(60);
  });
});

describe("waitUntil", () => {
  it("takes the step's latency off and rounds up, so the step looks at the target or within a second after", () => {
    expect(waitUntil(80, 0, 0.5)).toBe(80);
    expect(waitUntil(80, 62, 0)).toBe(18);
    expect(waitUntil(80.2, 0, 0.5)).toBe(80);
  });

  it("waits at least a second", () => {
    expect(waitUntil(10, 12, 0.5)).toBe(1);
  });
});

describe("measureLatency", () => {
  it("is how late a step started after the Wait its previous step set", () => {
    const previous = { waitStartedAt: T0, waitSeconds: 15 };

    expect(measureLatency(previous, T0 + 15.5 * SECOND)).toBe(0.5);
  });

  it("keeps the last measurement when the previous step set no Wait", () => {
    expect(measureLatency({ waitSeconds: 0, stepLatencySeconds: 0.25 }, T0)).toBe(0.25);
  });
});

describe("launch and check waits over a rollout", () => {
  const awsLike: Fleet = { inServiceAt: 60, readyAt: 80 };

  it("predicts the first batch's readiness from its InService time and lands every later batch's check just after readiness", () => {
    const runs = runBatches(6, awsLike, 0.5);

    expect(runs[0]?.firstWait).toBe(POLL);
    expect(runs[0]?.passedAt).toBeLessThan(81);
    for (const run of runs.slice(1)) {
      expect(run.passedAt).toBeGreaterThanOrEqual(80);
      expect(run.passedAt).toBeLessThanOrEqual(81);
    }
    expect(runs.at(-1)?.firstWait).toBe(80);
  });

  it("lands exactly on readiness when steps take no time", () => {
    const runs = runBatches(4, awsLike, 0);

    expect(runs.map((run) => run.passedAt)).toEqual([80, 80, 80, 80]);
  });

  it("shrinks the learned wait when batches become ready sooner than the last one did", () => {
    const learned: ReadyWindow = { afterSeconds: 85, afterSeen: true, bySeconds: 90 };

    const runs = runBatches(8, { inServiceAt: 50, readyAt: 70 }, 0.5, progress({ readyWindow: learned }));

    const passed = runs.map((run) => run.passedAt);
    expect(passed[0]).toBeGreaterThan(85);
    expect(passed.every((at, index) => index === 0 || at <= (passed[index - 1] ?? 0))).toBe(true);
    expect(passed.at(-1)).toBeLessThanOrEqual(71);
  });

  it("waits for the health checks, not a poll, when a batch is slower than the last one", () => {
    const runs = runBatches(2, (batch) => (batch === 0 ? awsLike : { inServiceAt: 70, readyAt: 90 }), 0);

    expect(runs[1]?.passedAt).toBe(90);
  });
});
