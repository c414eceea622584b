import { describe, expect, it } from "vitest";
import { RollbackIncompleteError, RollbackTimeoutError } from "../../../../functions/core/errors.js";
import type { ObservedGroup, ObservedInstance, TargetHealth } from "../../../../functions/core/fleet.js";
import {
  TERMINATIONS_PER_PASS,
  assertRolledBack,
  decideRollback,
  describeFailure,
  enforceRollbackDeadline,
  rollbackSize,
  rolledBackCause,
  type CaughtFailure,
} from "../../../../functions/core/rollout/rollback.js";
import { HOUR, SECOND, T0, group, health, ids, newInstances, oldInstances, rolloutPlan, strategy, view } from "../../fixtures.js";

// Ten old instances on v1 replaced in batches of 2, 4, 4 from T0; baseline desired 10, MaxSize 20.
const plan = rolloutPlan();
const settings = strategy({ launchTimeoutSeconds: 600, healthTimeoutSeconds: 600 });
// launchTimeoutSeconds + healthTimeoutSeconds + the plan's drain of 300 s.
const LIMIT_SECONDS = 1_500;
const STALLED = T0 + 20 * 60 * SECOND;

function pass(members: ObservedInstance[], overrides: Partial<ObservedGroup> = {}, targets: TargetHealth[] = health(members), rolloutPlanUsed = plan) {
  return decideRollback(rolloutPlanUsed, view(group(members, { maxSize: 20, ...overrides }), targets));
}

/** Batch 2 of 3 failed in standby mode: 6 new in service, 8 old serving, batch 1's 2 old in Standby. */
function failedInBatch2(): ObservedInstance[] {
  return [...oldInstances(8), ...oldInstances(2, { state: "Standby", from: 9 }), ...newInstances(6)];
}

describe("rollbackSize", () => {
  it("keeps a scale-out the group made during the deploy, within the MaxSize it started with", () => {
    expect(rollbackSize(plan, 12)).toBe(12);
    expect(rollbackSize(plan, 25)).toBe(20);
  });

  it("never goes below the size the group started at", () => {
    expect(rollbackSize(plan, 8)).toBe(10);
    expect(rollbackSize(plan, undefined)).toBe(10);
  });
});

describe("decideRollback", () => {
  describe("a group that scaled out during the deploy", () => {
    it("relaunches the extra instances on the old release once the old ones are back, and keeps a new one serving until then", () => {
      // Back from Standby already; 3 new (2 of the batch, 1 from the group's scale-out) still serving.
      const members = [...oldInstances(10), ...newInstances(3)];

      const result = decideRollback(plan, view(group(members, { desiredCapacity: 13, maxSize: 20 }), health(members)), 11);

      expect(result.stage).toBe("restore");
      expect(result.actions.terminate).toEqual(["i-new001", "i-new002"]);
      expect(result.actions.setDesired).toBe(12);
    });

    it("ends with the scaled size, all on the old release", () => {
      const members = oldInstances(11);

      const result = decideRollback(plan, view(group(members, { desiredCapacity: 11, maxSize: 20 }), health(members)), 11);

      expect(result.stage).toBe("done");
    });
  });

  describe("restore stage", () => {
    it("brings the old instances in Standby back and drops the surge above the starting capacity", () => {
      const members = failedInBatch2();

      const result = pass(members);

      expect(result.stage).toBe("restore");
      expect(result.actions).toEqual({
        terminate: ["i-new001", "i-new002", "i-new003", "i-new004"],
        exitStandby: ["i-old009", "i-old010"],
        resume: [],
      });
    });

    it("terminates new instances that serve nothing at once, whatever the capacity", () => {
      const broken = newInstances(2, { from: 7 });
      const members = [...oldInstances(8), ...oldInstances(2, { state: "Standby", from: 9 }), ...newInstances(2), ...broken];
      const targets = [...health(oldInstances(8)), ...health(newInstances(2)), ...health(broken, "unhealthy")];

      const result = pass(members, {}, targets);

      expect(result.actions.terminate).toEqual(ids(broken));
    });

    it("raises MaxSize first when the exits would pass it", () => {
      const members = [...oldInstances(4), ...oldInstances(6, { state: "Standby", from: 5 }), ...newInstances(6)];

      const result = pass(members, { maxSize: 15 });

      expect(result.actions.terminate).toEqual([]);
      expect(result.actions.raiseMaxTo).toBe(16);
      expect(result.actions.exitStandby).toHaveLength(6);
    });

    it("counts the terminations it makes before the exits against MaxSize", () => {
      const members = failedInBatch2();

      const result = pass(members, { maxSize: 14 });

      expect(result.actions.terminate).toHaveLength(4);
      expect(result.actions.raiseMaxTo).toBeUndefined();
    });

    it("exits only instances already in Standby and waits for those still entering it", () => {
      const members = [
        ...oldInstances(8),
        ...oldInstances(1, { state: "Standby", from: 9 }),
        ...oldInstances(1, { state: "EnteringStandby", from: 10 }),
        ...newInstances(6),
      ];

      const result = pass(members);

      expect(result.stage).toBe("restore");
      expect(result.actions.exitStandby).toEqual(["i-old009"]);
    });

    it("brings old instances back in waves, counting those still coming back and those it terminates", () => {
      const old = oldInstances(2);
      const comingBack = oldInstances(1, { from: 3 });
      const parked = oldInstances(7, { state: "Standby", from: 4 });
      const members = [...old, ...comingBack, ...parked, ...newInstances(10)];
      const targets = [...health(old), ...health(comingBack, "initial"), ...health(newInstances(10))];

      const result = pass(members, {}, targets, rolloutPlan({ rollbackWave: 4 }));

      // A wave of 4: one old instance is still coming back, two new ones start draining now.
      expect(result.actions.terminate).toEqual(["i-new001", "i-new002"]);
      expect(result.actions.exitStandby).toEqual(["i-old004"]);
    });

    it("counts new instances it cannot terminate yet against the wave, so the target groups never hold more than it", () => {
      const back = oldInstances(600);
      const parked = oldInstances(400, { state: "Standby", from: 601 });
      const fresh = newInstances(1000);
      const bigPlan = rolloutPlan({ toReplace: 1000, baseline: { desiredCapacity: 1000, minSize: 1000, maxSize: 2000 }, rollbackWave: 900 });

      const result = pass([...back, ...parked, ...fresh], { maxSize: 2000 }, health([...back, ...fresh]), bigPlan);

      // 600 serving above the start, of which only 250 go this pass: 1,600 registered, room for 300 more.
      expect(result.actions.terminate).toHaveLength(TERMINATIONS_PER_PASS);
      expect(result.actions.exitStandby).toHaveLength(300);
    });

    it("relaunches old instances that were terminated in terminate mode", () => {
      const members = [...oldInstances(8), ...newInstances(6)];

      const result = pass(members);

      expect(result.stage).toBe("restore");
      // 14 desired, 4 surplus new terminated (decrementing), 2 old relaunched.
      expect(result.actions.terminate).toHaveLength(4);
      expect(result.actions.setDesired).toBe(12);
      expect(result.actions.exitStandby).toEqual([]);
    });

    it("raises MaxSize for the relaunch when it would pass MaxSize", () => {
      const members = [...oldInstances(8), ...newInstances(2)];

      const result = pass(members, { maxSize: 11 });

      expect(result.actions).toMatchObject({ raiseMaxTo: 12, setDesired: 12 });
    });

    it("asks for no second relaunch on a retry once the group owes the launches", () => {
      const members = [...oldInstances(8), ...newInstances(6)];

      const result = pass(members, { desiredCapacity: 16 });

      expect(result.stage).toBe("restore");
      expect(result.actions.setDesired).toBeUndefined();
    });

    it("keeps enough new instances serving until the load balancers have judged the old ones", () => {
      const old = oldInstances(10);
      const members = [...old, ...newInstances(6)];
      const targets = [...health(old.slice(0, 8)), ...health(old.slice(8), "initial"), ...health(newInstances(6))];

      const result = pass(members, {}, targets);

      expect(result.stage).toBe("restore");
      expect(result.actions.terminate).toEqual(["i-new001", "i-new002", "i-new003", "i-new004"]);
      expect(result.waitReason).toBe("old instances: 8 of 10 back in service, 0 still in Standby; 6 new to remove");
    });

    it("changes its signature when an old instance comes back, so the deadline restarts", () => {
      const old = oldInstances(10);
      const members = [...old, ...newInstances(6)];
      const waiting = pass(members, {}, [...health(old.slice(0, 8)), ...health(old.slice(8), "initial"), ...health(newInstances(6))]);

      const moved = pass(members);

      expect(moved.signature).not.toBe(waiting.signature);
    });
  });

  describe("remove-new stage", () => {
    it("terminates every instance the deploy launched once the old ones are judged", () => {
      const members = [...oldInstances(10), ...newInstances(6)];

      const result = pass(members);

      expect(result.stage).toBe("remove-new");
      expect(result.actions.terminate).toEqual(ids(newInstances(6)));
      expect(result.actions.exitStandby).toEqual([]);
    });

    it("treats an old instance judged unhealthy as judged, and goes on", () => {
      const old = oldInstances(10);
      const members = [...old, ...newInstances(6)];
      const targets = [...health(old.slice(0, 9)), ...health(old.slice(9), "unhealthy"), ...health(newInstances(6))];

      const result = pass(members, {}, targets);

      expect(result.stage).toBe("remove-new");
    });

    it("keeps instances that were on the release before the deploy started", () => {
      const before = newInstances(2, { launchedAt: T0 - HOUR, prefix: "pre" });
      const during = newInstances(4);
      const members = [...oldInstances(10), ...before, ...during];

      const result = pass(members, {}, health(members), rolloutPlan({ alreadyOnRelease: 2, baseline: { desiredCapacity: 12, minSize: 10, maxSize: 20 } }));

      expect(result.actions.terminate).toEqual(ids(during));
    });

    it("terminates a new instance launched in the second the deploy was planned in (EC2's LaunchTime has no milliseconds)", () => {
      const sameSecond = newInstances(2, { launchedAt: T0 });
      const members = [...oldInstances(10), ...sameSecond];

      const result = pass(members, {}, health(members), rolloutPlan({ startedAt: T0 + 400 }));

      expect(result.stage).toBe("remove-new");
      expect(result.actions.terminate).toEqual(ids(sameSecond));
    });

    it(`terminates at most ${TERMINATIONS_PER_PASS} instances per pass`, () => {
      const members = [...oldInstances(10), ...newInstances(300)];

      const result = pass(members, { maxSize: 400 });

      expect(result.actions.terminate).toHaveLength(TERMINATIONS_PER_PASS);
      expect(result.waitReason).toBe("300 instance(s) launched by the deploy to remove, 0 terminating");
    });

    it("also removes surplus old instances launched during the deploy, not the original ones", () => {
      const lateOld = oldInstances(2, { launchedAt: T0 + 15 * 60 * SECOND, from: 11 });
      const members = [...oldInstances(10), ...lateOld];

      const result = pass(members);

      expect(result.stage).toBe("remove-new");
      expect(result.actions.terminate).toEqual(["i-old011", "i-old012"]);
    });

    it("keeps old instances relaunched during the rollback when they only make up the count", () => {
      const members = [...oldInstances(8), ...oldInstances(2, { launchedAt: T0 + 25 * 60 * SECOND, from: 9 })];

      const result = pass(members);

      expect(result.stage).toBe("done");
      expect(result.actions.terminate).toEqual([]);
    });

    it("waits while removed instances are still terminating", () => {
      const members = [...oldInstances(10), ...newInstances(3, { state: "Terminating" })];

      const result = pass(members);

      expect(result.stage).toBe("remove-new");
      expect(result.actions.terminate).toEqual([]);
      expect(result.waitReason).toBe("0 instance(s) launched by the deploy to remove, 3 terminating");
    });
  });

  describe("done stage", () => {
    it("restores MaxSize and resumes the processes the plan suspended", () => {
      const members = oldInstances(10);

      const result = pass(members, { maxSize: 26 });

      expect(result.stage).toBe("done");
      expect(result.actions).toEqual({ terminate: [], exitStandby: [], restoreMaxTo: 20, resume: ["AZRebalance"] });
    });

    it("leaves MaxSize alone when it is as it was", () => {
      const members = oldInstances(10);

      const result = pass(members);

      expect(result.actions.restoreMaxTo).toBeUndefined();
      expect(result.actions.resume).toEqual(["AZRebalance"]);
    });
  });
});

describe("assertRolledBack", () => {
  const ended =
    (members: ObservedInstance[], rolloutPlanUsed = plan) =>
    () =>
      assertRolledBack(rolloutPlanUsed, view(group(members, { maxSize: 20 }), health(members)));

  it("lets a group with only old instances, none in Standby, end as rolled back", () => {
    expect(ended(oldInstances(10))).not.toThrow();
  });

  it("keeps instances that were on the release before the deploy", () => {
    const members = [...oldInstances(10), ...newInstances(2, { launchedAt: T0 - HOUR, prefix: "pre" })];

    expect(ended(members, rolloutPlan({ alreadyOnRelease: 2 }))).not.toThrow();
  });

  it("fails with RollbackIncompleteError naming a new-release instance still in service", () => {
    const members = [...oldInstances(10), ...newInstances(1, { launchedAt: T0 })];

    expect(ended(members, rolloutPlan({ startedAt: T0 + 400 }))).toThrow(RollbackIncompleteError);
    expect(ended(members, rolloutPlan({ startedAt: T0 + 400 }))).toThrow(
      'Rollback of v2 on group "hello-prod-web" reached its end, but the group has 1 instance(s) on v2 still in it (i-new001; it had 0 before)',
    );
  });

  it("fails on more new-release instances than the group had before, whatever their launch time says", () => {
    const members = [...oldInstances(10), ...newInstances(1, { launchedAt: T0 - HOUR })];

    expect(ended(members)).toThrow("1 instance(s) on v2 still in it (i-new001; it had 0 before)");
  });

  it("fails on instances left in Standby, old or new", () => {
    const members = [...oldInstances(9), ...oldInstances(1, { state: "Standby", from: 10 }), ...newInstances(1, { state: "Standby" })];

    expect(ended(members)).toThrow("2 instance(s) in Standby (i-old010 i-new001)");
  });
});

describe("enforceRollbackDeadline", () => {
  it("lets a rollback that moved recently go on", () => {
    expect(() => enforceRollbackDeadline(plan, settings, STALLED, STALLED + LIMIT_SECONDS * SECOND, "waiting")).not.toThrow();
  });

  it("fails with RollbackTimeoutError once nothing has moved for longer than a batch may take", () => {
    const attempt = () => enforceRollbackDeadline(plan, settings, STALLED, STALLED + (LIMIT_SECONDS + 1) * SECOND, "2 still in Standby");

    expect(attempt).toThrow(RollbackTimeoutError);
    expect(attempt).toThrow(`Rollback of v2 made no progress for ${LIMIT_SECONDS + 1} s (limit ${LIMIT_SECONDS} s): 2 still in Standby.`);
  });
});

/** What a Catch records for a Lambda error: the Cause is the runtime's JSON. */
function lambdaFailure(name: string, message: string): CaughtFailure {
  return {
    Error: name,
    Cause: JSON.stringify({ errorType: name, errorMessage: message, trace: [`${name}: ${message}`, "    at runGate (file:///var/task/index.mjs:1:1)"] }),
  };
}

describe("describeFailure", () => {
  it("reads the message out of a Lambda error's JSON cause", () => {
    const failure = lambdaFailure("HealthGateFailedError", "Batch 2 of 3: instance i-new003 is unhealthy in target group web (Target.ResponseCodeMismatch)");

    expect(describeFailure(failure)).toBe(
      "HealthGateFailedError: Batch 2 of 3: instance i-new003 is unhealthy in target group web (Target.ResponseCodeMismatch)",
    );
  });

  it("keeps a plain-text cause as it is", () => {
    expect(describeFailure({ Error: "States.Timeout", Cause: "Task timed out after 900.00 seconds" })).toBe(
      "States.Timeout: Task timed out after 900.00 seconds",
    );
  });

  it("keeps a JSON cause without an errorMessage as it is", () => {
    expect(describeFailure({ Error: "States.DataLimitExceeded", Cause: '{"detail":"too big"}' })).toBe('States.DataLimitExceeded: {"detail":"too big"}');
  });

  it("names the error alone when there is no cause", () => {
    expect(describeFailure({ Error: "States.TaskFailed" })).toBe("States.TaskFailed");
  });

  it("says the failure is unknown when nothing was caught", () => {
    expect(describeFailure(undefined)).toBe("an unknown failure");
  });
});

describe("rolledBackCause", () => {
  const failure = lambdaFailure("HealthGateFailedError", "Batch 2 of 3: instance i-new003 is unhealthy in target group web (Target.ResponseCodeMismatch)");
  const restored = () => view(group(oldInstances(10)), health(oldInstances(10)));

  it("says which batch failed, why, what it rolled back to and the fleet now", () => {
    const cause = rolledBackCause(plan, "hello", "prod", 1, failure, restored());

    expect(cause).toContain("Deploy of v2 to hello/prod failed in batch 2 of 3 and was rolled back to v1.");
    expect(cause).toContain("HealthGateFailedError: Batch 2 of 3: instance i-new003 is unhealthy in target group web (Target.ResponseCodeMismatch)");
    expect(cause).toContain("Fleet now: desired 10, 10 on v1 in service, 10 serving.");
  });

  it("reads as sentences without doubled full stops when the error message ends in one", () => {
    const cause = rolledBackCause(plan, "hello", "prod", 1, failure, restored());

    expect(cause).not.toContain("..");
  });

  it("says before batch 1 and the previous release when there was no batch and no tag", () => {
    const cause = rolledBackCause(rolloutPlan({ previousRelease: null }), "hello", "prod", -1, { Error: "States.Timeout" }, restored());

    expect(cause).toContain("failed before batch 1 and was rolled back to the previous release. States.Timeout.");
  });
});
