import { describe, expect, it } from "vitest";
import { bakedProgress, decideAfterBake } from "../../../../functions/core/rollout/bake.js";
import { HealthGateTimeoutError } from "../../../../functions/core/errors.js";
import type { GateVerdict } from "../../../../functions/core/rollout/gate.js";
import { planCycle } from "../../../../functions/core/cycle/cycle.js";
import type { Progress } from "../../../../functions/core/rollout/rollout.js";
import { SECOND, T0, group, health, newInstances, oldInstances, rolloutPlan, strategy, view } from "../../fixtures.js";

// Ten old instances replaced in batches of 2, 4, 4; the first batch's old instances parked in Standby.
const plan = rolloutPlan();
const settings = strategy({ bakeSeconds: 120, pollSeconds: 15, healthTimeoutSeconds: 600 });
const RETIRED = T0 + 180 * SECOND;
const members = [...oldInstances(8), ...oldInstances(2, { state: "Standby", from: 9 }), ...newInstances(2)];
const fleet = view(group(members), health(members));
const evidence = { checkedAt: new Date(T0).toISOString(), targets: { instances: 2, healthy: 2, notHealthy: [] } };
const passed: GateVerdict & { outcome: "pass" } = { outcome: "pass", evidence };

function baking(overrides: Partial<Progress> = {}): Progress {
  const base: Progress = { batch: 0, phase: "bake", ready: false, done: false, waitSeconds: 120, batchStartedAt: T0 + 60 * SECOND, summary: "" };
  return { ...base, retiredAt: RETIRED, bakeUntil: RETIRED + 120 * SECOND, ...overrides };
}

describe("decideAfterBake", () => {
  it("waits out the bake time left, to the second", () => {
    const decision = decideAfterBake(plan, settings, fleet, baking(), passed, RETIRED + 100 * SECOND);

    expect(decision).toEqual({ outcome: "wait", waitSeconds: 20, reason: "baking, 20 s left" });
  });

  it("ends the wait the measured step latency early, so the next check starts when the bake ends", () => {
    const decision = decideAfterBake(plan, settings, fleet, baking({ stepLatencySeconds: 0.5 }), passed, RETIRED + 99.5 * SECOND);

    expect(decision).toEqual({ outcome: "wait", waitSeconds: 20, reason: "baking, 21 s left" });
  });

  it("polls while the gate still waits after the bake", () => {
    const wait: GateVerdict & { outcome: "wait" } = { outcome: "wait", reason: "1 of 2 new instance(s) healthy", evidence };

    const decision = decideAfterBake(plan, settings, fleet, baking(), wait, RETIRED + 130 * SECOND);

    expect(decision).toEqual({ outcome: "wait", waitSeconds: 15, reason: "1 of 2 new instance(s) healthy" });
  });

  it("counts a baked batch that is not the last, asking nothing of a deploy", () => {
    expect(decideAfterBake(plan, settings, fleet, baking(), passed, RETIRED + 130 * SECOND)).toEqual({ outcome: "baked", last: false, askQueuedPush: false });
  });

  it("asks whether a push is queued after a cycle's batch that is not the last", () => {
    const cycle = rolloutPlan({ cycle: planCycle("7d", T0) });

    expect(decideAfterBake(cycle, settings, fleet, baking(), passed, RETIRED + 130 * SECOND)).toEqual({ outcome: "baked", last: false, askQueuedPush: true });
  });

  it("does not ask after the last batch", () => {
    const cycle = rolloutPlan({
      batchSizes: [2],
      toReplace: 2,
      floor: 2,
      baseline: { desiredCapacity: 2, minSize: 2, maxSize: 4 },
      cycle: planCycle("7d", T0),
    });
    const small = [...oldInstances(2, { state: "Standby" }), ...newInstances(2)];

    expect(decideAfterBake(cycle, settings, view(group(small), health(small)), baking(), passed, RETIRED + 130 * SECOND)).toEqual({
      outcome: "baked",
      last: true,
      askQueuedPush: false,
    });
  });

  it("fails with HealthGateTimeoutError when the gate has waited past the health deadline", () => {
    const wait: GateVerdict & { outcome: "wait" } = { outcome: "wait", reason: "1 of 2 new instance(s) healthy", evidence };

    expect(() => decideAfterBake(plan, settings, fleet, baking(), wait, T0 + 3_600 * SECOND)).toThrow(HealthGateTimeoutError);
  });
});

describe("bakedProgress", () => {
  it("is done after the last batch, settled at the group's size less what this check retired", () => {
    const next = bakedProgress(plan, fleet, baking({ batch: 2 }), evidence, 1, true, undefined);

    expect(next).toMatchObject({ ready: true, done: true, waitSeconds: 0, settledDesired: fleet.group.desiredCapacity - 1, evidence });
    expect(next.summary).toContain("last batch baked and gated");
  });

  it("ends a cycle early when a push waits, naming it", () => {
    const next = bakedProgress(plan, fleet, baking(), evidence, 0, false, "hello-prod-abc123");

    expect(next).toMatchObject({ done: true, stoppedFor: "hello-prod-abc123" });
    expect(next.summary).toContain("hello-prod-abc123 is waiting for the lock, so the cycle stops after this batch");
  });

  it("goes on to the next batch otherwise", () => {
    expect(bakedProgress(plan, fleet, baking(), evidence, 0, false, undefined)).toMatchObject({ ready: true, done: false });
  });
});
