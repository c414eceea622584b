import { describe, expect, it } from "vitest";
import { HealthGateTimeoutError, LaunchTimeoutError, RetireTimeoutError } from "../../../../functions/core/errors.js";
import type { GateVerdict } from "../../../../functions/core/rollout/gate.js";
import {
  batchInstances,
  decideLaunch,
  decideRetire,
  enforceHealthDeadline,
  finishWaitSeconds,
  freshWanted,
  launchStatus,
  oldWanted,
  ownSize,
  restoredMaxSize,
  retireStatus,
  type Progress,
} from "../../../../functions/core/rollout/rollout.js";
import { cycleSplit, type CyclePlan } from "../../../../functions/core/cycle/cycle.js";
import { viewFleet } from "../../../../functions/core/fleet.js";
import { HOUR, SECOND, T0, group, health, ids, newInstances, oldInstances, rolloutPlan, strategy, view } from "../../fixtures.js";

// Ten old instances replaced in batches of 2, 4, 4; floor 10; MaxSize 20.
const plan = rolloutPlan();
const settings = strategy({ launchTimeoutSeconds: 600, healthTimeoutSeconds: 600 });
const BATCH_STARTED = T0 + 60 * SECOND;

function progress(overrides: Partial<Progress> = {}): Progress {
  return { batch: 0, phase: "launch", ready: false, done: false, waitSeconds: 15, batchStartedAt: BATCH_STARTED, summary: "", ...overrides };
}

function waiting(reason: string): GateVerdict {
  return { outcome: "wait", reason, evidence: { checkedAt: new Date(T0).toISOString(), targets: { instances: 2, healthy: 1, notHealthy: [] } } };
}

describe("freshWanted and oldWanted", () => {
  it("add up the batches so far", () => {
    expect(freshWanted(plan, 0)).toBe(2);
    expect(freshWanted(plan, 2)).toBe(10);
    expect(oldWanted(plan, 1)).toBe(4);
    expect(freshWanted(rolloutPlan({ alreadyOnRelease: 3 }), 0)).toBe(5);
  });
});

describe("decideLaunch", () => {
  it("surges the batch size above the size the group settled at", () => {
    const old = oldInstances(10);
    const fleet = view(group(old, { maxSize: 20 }), health(old));

    const launch = decideLaunch(plan, fleet, 0, 10);

    expect(launch).toEqual({ desired: 12 });
  });

  it("asks for nothing on a retry after SetDesiredCapacity succeeded, before the group launched", () => {
    const old = oldInstances(10);
    const fleet = view(group(old, { desiredCapacity: 12, maxSize: 20 }), health(old));

    const launch = decideLaunch(plan, fleet, 0, 10);

    expect(launch).toEqual({});
  });

  it("asks for nothing once the batch's instances are pending", () => {
    const members = [...oldInstances(10), ...newInstances(2, { state: "Pending" })];
    const fleet = view(group(members, { desiredCapacity: 12, maxSize: 20 }), health(oldInstances(10)));

    const launch = decideLaunch(plan, fleet, 0, 10);

    expect(launch).toEqual({});
  });

  it("keeps a scale-out the group made by itself between batches", () => {
    const members = [...oldInstances(8), ...oldInstances(2, { state: "Standby", from: 9 }), ...newInstances(4)];
    const fleet = view(group(members, { desiredCapacity: 12, maxSize: 20 }), health(members));

    const launch = decideLaunch(plan, fleet, 1, 12);

    expect(launch).toEqual({ desired: 16 });
  });

  it("raises MaxSize for the surge when the group scaled out past its headroom", () => {
    const old = oldInstances(10);
    const fleet = view(group(old, { maxSize: 11 }), health(old));

    const launch = decideLaunch(plan, fleet, 0, 10);

    expect(launch).toEqual({ desired: 12, raiseMaxTo: 12 });
  });
});

describe("restoredMaxSize", () => {
  it("puts MaxSize back to the baseline once the surge is over", () => {
    const old = oldInstances(10);

    expect(restoredMaxSize(plan, view(group(old, { maxSize: 24 }), health(old)))).toBe(20);
  });

  it("stays above the baseline by as much as the group scaled out past it, and does nothing when not raised", () => {
    const old = oldInstances(10);

    expect(restoredMaxSize(plan, view(group(old, { desiredCapacity: 22, maxSize: 24 }), health(old)))).toBe(22);
    expect(restoredMaxSize(plan, view(group(old, { maxSize: 20 }), health(old)))).toBeUndefined();
  });
});

describe("ownSize", () => {
  it("is desired capacity less the surge not yet retired", () => {
    const members = [...oldInstances(10), ...newInstances(2)];
    const fleet = view(group(members, { desiredCapacity: 13, maxSize: 20 }), health(members));

    // Batch 1 (2) launched, nothing retired, one more instance launching by the group's own scale-out.
    expect(ownSize(plan, fleet, 1)).toBe(11);
  });

  it("counts retired old instances against the surge", () => {
    const members = [...oldInstances(8), ...oldInstances(2, { state: "Standby", from: 9 }), ...newInstances(3)];
    const fleet = view(group(members, { desiredCapacity: 11, maxSize: 20 }), health(members));

    expect(ownSize(plan, fleet, 1)).toBe(11);
  });
});

describe("decideRetire", () => {
  it("retires as many old instances as the batch brought in", () => {
    const members = [...oldInstances(10), ...newInstances(2)];
    const fleet = view(group(members, { maxSize: 20 }), health(members));

    const retirees = decideRetire(plan, fleet, 0);

    expect(retirees).toHaveLength(2);
    expect(retirees.every((instance) => instance.release === "v1")).toBe(true);
  });

  it("holds the floor: retires no serving instance while the new ones are not healthy", () => {
    const old = oldInstances(10);
    const fresh = newInstances(2);
    const fleet = view(group([...old, ...fresh]), [...health(old), ...health(fresh, "initial")]);

    const retirees = decideRetire(plan, fleet, 0);

    expect(retirees).toEqual([]);
  });

  it("retires only as many serving instances as serve above the floor", () => {
    const old = oldInstances(10);
    const fresh = newInstances(2);
    const fleet = view(group([...old, ...fresh]), [...health(old), ...health(fresh.slice(0, 1)), ...health(fresh.slice(1), "initial")]);

    const retirees = decideRetire(plan, fleet, 0);

    expect(retirees).toHaveLength(1);
  });

  it("retires an old instance that is not serving without touching the floor", () => {
    const old = oldInstances(10);
    const fresh = newInstances(2);
    const targets = [...health(old.slice(0, 9)), ...health(old.slice(9), "unhealthy"), ...health(fresh, "initial")];
    const fleet = view(group([...old, ...fresh]), targets);

    const retirees = decideRetire(rolloutPlan({ floor: 9 }), fleet, 0);

    expect(ids(retirees)).toEqual(["i-old010"]);
  });

  it("picks from the zones with the most old instances", () => {
    const old = [
      ...oldInstances(4, { zones: ["eu-west-1a"] }),
      ...oldInstances(4, { zones: ["eu-west-1b"], from: 5 }),
      ...oldInstances(2, { zones: ["eu-west-1c"], from: 9 }),
    ];
    const fresh = newInstances(2);
    const fleet = view(group([...old, ...fresh]), health([...old, ...fresh]));

    const retirees = decideRetire(plan, fleet, 0);

    expect(retirees.map((instance) => instance.availabilityZone).sort()).toEqual(["eu-west-1a", "eu-west-1b"]);
  });

  it("retires nothing more on a retry once the batch's share is in Standby", () => {
    const members = [...oldInstances(8), ...oldInstances(2, { state: "Standby", from: 9 }), ...newInstances(2)];
    const fleet = view(group(members), health(members));

    const retirees = decideRetire(plan, fleet, 0);

    expect(retirees).toEqual([]);
  });
});

describe("batchInstances", () => {
  it("includes an instance launched in the second the batch started in (EC2's LaunchTime has no milliseconds)", () => {
    // Batch 1 launches 2; the group added a third of its own in the same second.
    const earlier = newInstances(2, { launchedAt: BATCH_STARTED - 30 * SECOND, from: 4 });
    const sameSecond = newInstances(3, { launchedAt: BATCH_STARTED });
    const members = [...oldInstances(8), ...earlier, ...sameSecond];

    const probed = batchInstances(plan, view(group(members), health(members)), progress({ batch: 0, batchStartedAt: BATCH_STARTED + 700 }));

    expect(ids(probed).sort()).toEqual(["i-new001", "i-new002", "i-new003"]);
  });
});

describe("launchStatus", () => {
  it("reports the batch in service when every new instance is InService", () => {
    const members = [...oldInstances(10), ...newInstances(2)];
    const fleet = view(group(members), health(members));

    const status = launchStatus(plan, settings, fleet, progress(), BATCH_STARTED + 90 * SECOND);

    expect(status).toEqual({ inService: true });
  });

  it("waits, saying how many are in service, while instances are pending", () => {
    const members = [...oldInstances(10), ...newInstances(1), ...newInstances(1, { state: "Pending", from: 2 })];
    const fleet = view(group(members), health(members));

    const status = launchStatus(plan, settings, fleet, progress(), BATCH_STARTED + 600 * SECOND);

    expect(status).toEqual({ inService: false, waitReason: "1 of 2 new instances in service" });
  });

  it("fails with LaunchTimeoutError once launchTimeoutSeconds have passed", () => {
    const members = [...oldInstances(10), ...newInstances(1), ...newInstances(1, { state: "Pending", from: 2 })];
    const fleet = view(group(members), health(members));

    const attempt = () => launchStatus(plan, settings, fleet, progress(), BATCH_STARTED + 601 * SECOND);

    expect(attempt).toThrow(LaunchTimeoutError);
    expect(attempt).toThrow("Batch 1 of 3: only 1 of 2 new instances reached InService within launchTimeoutSeconds 600.");
  });
});

describe("enforceHealthDeadline", () => {
  it("lets a waiting gate wait within launchTimeoutSeconds + healthTimeoutSeconds", () => {
    const attempt = () => enforceHealthDeadline(plan, settings, progress(), waiting("1 of 2 new instances healthy"), BATCH_STARTED + 1_200 * SECOND);

    expect(attempt).not.toThrow();
  });

  it("fails with HealthGateTimeoutError when a gate is still waiting after the deadline", () => {
    const attempt = () =>
      enforceHealthDeadline(plan, settings, progress({ batch: 1 }), waiting("1 of 2 new instances healthy"), BATCH_STARTED + 1_201 * SECOND);

    expect(attempt).toThrow(HealthGateTimeoutError);
    expect(attempt).toThrow("Batch 2 of 3: 1 of 2 new instances healthy after 1201 s (launchTimeoutSeconds + healthTimeoutSeconds = 1200).");
  });

  it("never fails a gate that passed, however late", () => {
    const passed: GateVerdict = { outcome: "pass", evidence: waiting("").evidence };

    const attempt = () => enforceHealthDeadline(plan, settings, progress(), passed, BATCH_STARTED + 86_400 * SECOND);

    expect(attempt).not.toThrow();
  });
});

describe("retireStatus", () => {
  const RETIRED = BATCH_STARTED + 120 * SECOND;

  it("is settled once the batch's old instances are in Standby", () => {
    const members = [...oldInstances(8), ...oldInstances(2, { state: "Standby", from: 9 }), ...newInstances(2)];
    const fleet = view(group(members), health(members));

    const status = retireStatus(plan, settings, fleet, progress({ phase: "bake", retiredAt: RETIRED }), RETIRED + 30 * SECOND);

    expect(status).toEqual({ settled: true });
  });

  it("waits while old instances are still entering Standby", () => {
    const members = [...oldInstances(8), ...oldInstances(2, { state: "EnteringStandby", from: 9 }), ...newInstances(2)];
    const fleet = view(group(members), health(members));

    const status = retireStatus(plan, settings, fleet, progress({ phase: "bake", retiredAt: RETIRED }), RETIRED + 900 * SECOND);

    expect(status).toEqual({ settled: false, waitReason: "2 old instance(s) draining, 0 waiting for the capacity floor" });
  });

  it("waits while old instances are terminating", () => {
    const members = [...oldInstances(8), ...oldInstances(2, { state: "Terminating:Wait", from: 9 }), ...newInstances(2)];
    const fleet = view(group(members), health(members));

    const status = retireStatus(plan, settings, fleet, progress({ phase: "bake", retiredAt: RETIRED }), RETIRED + 60 * SECOND);

    expect(status.settled).toBe(false);
  });

  it("waits while the floor holds old instances back", () => {
    const members = [...oldInstances(9), ...oldInstances(1, { state: "Standby", from: 10 }), ...newInstances(2)];
    const fleet = view(group(members), health(members));

    const status = retireStatus(plan, settings, fleet, progress({ phase: "bake", retiredAt: RETIRED }), RETIRED + 60 * SECOND);

    expect(status).toEqual({ settled: false, waitReason: "0 old instance(s) draining, 1 waiting for the capacity floor" });
  });

  it("fails with RetireTimeoutError after the deregistration delay plus healthTimeoutSeconds", () => {
    const members = [...oldInstances(8), ...oldInstances(2, { state: "EnteringStandby", from: 9 }), ...newInstances(2)];
    const fleet = view(group(members), health(members));

    const attempt = () => retireStatus(plan, settings, fleet, progress({ phase: "bake", retiredAt: RETIRED }), RETIRED + 901 * SECOND);

    expect(attempt).toThrow(RetireTimeoutError);
    expect(attempt).toThrow(
      "Batch 1 of 3: 2 old instance(s) still draining and 0 not yet retired after 901 s (deregistration delay 300 s + healthTimeoutSeconds 600).",
    );
  });
});

describe("retireStatus in a cycle run (every instance on the same release)", () => {
  const RETIRED = BATCH_STARTED + 120 * SECOND;
  const cycle: CyclePlan = { maxAge: "14d", replaceLaunchedBefore: T0 - HOUR };
  const cyclePlan = rolloutPlan({ release: "v1", previousRelease: "v1", cycle });
  // Old: launched a day before the run; new: launched during it. Both run v1.
  const cycleView = (members: ReturnType<typeof oldInstances>) => viewFleet(group(members), health(members), "v1", cycleSplit(cycle));

  it("waits while the batch's old instances are still entering Standby", () => {
    const members = [...oldInstances(8), ...oldInstances(2, { state: "EnteringStandby", from: 9 }), ...newInstances(2, { release: "v1" })];

    const status = retireStatus(cyclePlan, settings, cycleView(members), progress({ phase: "bake", retiredAt: RETIRED }), RETIRED + 60 * SECOND);

    expect(status).toEqual({ settled: false, waitReason: "2 old instance(s) draining, 0 waiting for the capacity floor" });
  });

  it("waits while the batch's old instances are terminating (retire: terminate)", () => {
    const members = [...oldInstances(8), ...oldInstances(2, { state: "Terminating", from: 9 }), ...newInstances(2, { release: "v1" })];

    const status = retireStatus(cyclePlan, settings, cycleView(members), progress({ phase: "bake", retiredAt: RETIRED }), RETIRED + 60 * SECOND);

    expect(status.settled).toBe(false);
  });

  it("does not wait for a new instance the group is terminating by itself", () => {
    const members = [
      ...oldInstances(8),
      ...oldInstances(2, { state: "Standby", from: 9 }),
      ...newInstances(2, { release: "v1" }),
      ...newInstances(1, { release: "v1", state: "Terminating", from: 3 }),
    ];

    const status = retireStatus(cyclePlan, settings, cycleView(members), progress({ phase: "bake", retiredAt: RETIRED }), RETIRED + 60 * SECOND);

    expect(status).toEqual({ settled: true });
  });

  it("fails with RetireTimeoutError when the drain never ends", () => {
    const members = [...oldInstances(8), ...oldInstances(2, { state: "EnteringStandby", from: 9 }), ...newInstances(2, { release: "v1" })];

    const attempt = () => retireStatus(cyclePlan, settings, cycleView(members), progress({ phase: "bake", retiredAt: RETIRED }), RETIRED + 901 * SECOND);

    expect(attempt).toThrow(RetireTimeoutError);
  });
});

describe("finishWaitSeconds", () => {
  const RETIRED = BATCH_STARTED + 120 * SECOND;

  it("comes back in a second when only Standby instances are left to terminate", () => {
    const members = [...newInstances(10), ...oldInstances(3, { state: "Standby" })];

    const wait = finishWaitSeconds(plan, settings, view(group(members), health(members)), progress({ retiredAt: RETIRED }), RETIRED + 400 * SECOND);

    expect(wait).toBe(1);
  });

  it("waits out the rest of the deregistration delay while retired instances are still entering Standby", () => {
    const members = [...newInstances(10), ...oldInstances(3, { state: "EnteringStandby" })];

    const wait = finishWaitSeconds(plan, settings, view(group(members), health(members)), progress({ retiredAt: RETIRED }), RETIRED + 60 * SECOND);

    expect(wait).toBe(240);
  });

  it("polls at pollSeconds once the delay is over and the drain still runs", () => {
    const members = [...newInstances(10), ...oldInstances(3, { state: "EnteringStandby" })];

    const wait = finishWaitSeconds(plan, settings, view(group(members), health(members)), progress({ retiredAt: RETIRED }), RETIRED + 310 * SECOND);

    expect(wait).toBe(settings.pollSeconds);
  });

  it("fails with RetireTimeoutError after the deregistration delay plus healthTimeoutSeconds", () => {
    const members = [...newInstances(10), ...oldInstances(3, { state: "EnteringStandby" })];

    const attempt = () => finishWaitSeconds(plan, settings, view(group(members), health(members)), progress({ retiredAt: RETIRED }), RETIRED + 901 * SECOND);

    expect(attempt).toThrow(RetireTimeoutError);
  });
});
