import { describe, expect, it } from "vitest";
import {
  InvalidDeployInputError,
  MaxSizeTooSmallError,
  RolloutInProgressError,
  TargetGroupNotAttachedError,
  UnhealthyFleetError,
} from "../../../../functions/core/errors.js";
import type { ObservedGroup, TargetHealth } from "../../../../functions/core/fleet.js";
import type { DeployInput } from "../../../../functions/core/config/input.js";
import { planRollout, rollbackWave, type TargetGroupTiming } from "../../../../functions/core/rollout/plan.js";
import { T0, TG_API, TG_WEB, deployInput, group, health, newInstances, oldInstances, timing } from "../../fixtures.js";

function plan(input: DeployInput, observed: ObservedGroup, targets: TargetHealth[], timings: TargetGroupTiming[] = [timing()]) {
  return planRollout(input, observed, targets, timings, T0);
}

/** Twelve healthy instances on v1 over three zones, desired 12, MaxSize 24. */
function healthyFleet(count = 12, overrides: Partial<ObservedGroup> = {}) {
  const members = oldInstances(count);
  return { observed: group(members, overrides), targets: health(members) };
}

describe("planRollout", () => {
  it("plans batches for every instance not on the release", () => {
    const { observed, targets } = healthyFleet();

    const result = plan(deployInput(), observed, targets);

    expect(result).toMatchObject({
      release: "v2",
      previousRelease: "v1",
      toReplace: 12,
      alreadyOnRelease: 0,
      batchSizes: [3, 3, 3, 3],
      batchCount: 4,
      floor: 12,
      baseline: { desiredCapacity: 12, minSize: 12, maxSize: 24 },
      launchTemplate: { id: "lt-0123456789abcdef0", version: "3" },
      suspend: ["AZRebalance"],
      startedAt: T0,
    });
    expect(result.preview).toBeUndefined();
  });

  it("skips instances already on the release", () => {
    const members = [...oldInstances(8), ...newInstances(4, { launchedAt: T0 - 3_600_000 })];
    const observed = group(members);

    const result = plan(deployInput(), observed, health(members));

    expect(result.toReplace).toBe(8);
    expect(result.alreadyOnRelease).toBe(4);
    expect(result.batchSizes).toEqual([2, 2, 2, 2]);
  });

  it("plans no batches when every instance is on the release already", () => {
    const members = newInstances(6, { launchedAt: T0 - 3_600_000 });

    const result = plan(deployInput(), group(members, { maxSize: 6 }), health(members));

    expect(result.toReplace).toBe(0);
    expect(result.batchSizes).toEqual([]);
    expect(result.batchCount).toBe(0);
  });

  it("marks the release only, suspending nothing, on a group with no instances whose tag is another release", () => {
    const stopped = group([], { minSize: 0, desiredCapacity: 0, maxSize: 0 });

    const result = plan(deployInput(), stopped, []);

    expect(result).toMatchObject({ batchCount: 0, markOnly: true, suspend: [] });
  });

  it("does not mark again a group already tagged with the release", () => {
    const stopped = group([], { minSize: 0, desiredCapacity: 0, maxSize: 0, tags: { "gantry:release": "v2" } });

    const result = plan(deployInput(), stopped, []);

    expect(result.batchCount).toBe(0);
    expect(result.markOnly).toBeUndefined();
  });

  it("uses the strategy's batch steps", () => {
    const { observed, targets } = healthyFleet(40, { maxSize: 80 });

    const result = plan(deployInput({ strategy: { batches: [1, "25%", "100%"] } }), observed, targets);

    expect(result.batchSizes).toEqual([1, 9, 30]);
  });

  it("sets the floor to minHealthyPercent of desired capacity, rounded up", () => {
    const { observed, targets } = healthyFleet();

    const result = plan(deployInput({ strategy: { minHealthyPercent: 90 } }), observed, targets);

    expect(result.floor).toBe(11);
  });

  it("sets an exact floor when the share is a whole number of instances", () => {
    // 7% of 100 is 7 instances; 0.07 * 100 is 7.000000000000001 in floating point.
    const { observed, targets } = healthyFleet(100, { maxSize: 200 });

    const result = plan(deployInput({ strategy: { minHealthyPercent: 7 } }), observed, targets);

    expect(result.floor).toBe(7);
  });

  it("suspends only the processes that are not suspended already", () => {
    const { observed, targets } = healthyFleet(12, { suspendedProcesses: ["AZRebalance"] });

    const result = plan(deployInput({ strategy: { suspendProcesses: ["AZRebalance", "ReplaceUnhealthy"] } }), observed, targets);

    expect(result.suspend).toEqual(["ReplaceUnhealthy"]);
  });

  it("waits for the slowest target group: longest drain and longest time to healthy", () => {
    const { observed, targets } = healthyFleet(12, { targetGroupArns: [TG_WEB, TG_API] });
    const input = deployInput({ group: { autoScalingGroupName: "hello-prod-web", targetGroupArns: [TG_WEB, TG_API] } });
    const timings = [
      timing({ arn: TG_WEB, deregistrationDelaySeconds: 30, healthCheckIntervalSeconds: 30, healthyThresholdCount: 5 }),
      timing({ arn: TG_API, deregistrationDelaySeconds: 120, healthCheckIntervalSeconds: 10, healthyThresholdCount: 2 }),
    ];

    const result = plan(input, observed, [...targets, ...health(observed.instances, "healthy", [TG_API])], timings);

    expect(result.drainSeconds).toBe(120);
    expect(result.healthyAfterSeconds).toBe(150);
  });

  it("brings old instances back in a rollback all at once where the target groups have room", () => {
    const { observed, targets } = healthyFleet();

    const result = plan(deployInput(), observed, targets);

    expect(result.rollbackWave).toBe(1000 - 12);
  });

  it("limits the rollback wave to the largest batch when a target group is near its quota", () => {
    const members = oldInstances(998);
    const observed = group(members, { maxSize: 1100 });

    const result = plan(deployInput({ strategy: { batches: ["1%"] } }), observed, health(members));

    expect(result.rollbackWave).toBe(10);
  });

  it("sizes the rollback wave from the account's quota when target groups split the fleet", () => {
    const members = oldInstances(100);
    const targets = members.map((instance, index) => ({ targetGroupArn: index % 2 === 0 ? TG_WEB : TG_API, instanceId: instance.id, state: "healthy" }));

    // 50 per target group, quota 80: 30 free in each, which 60 instances above the start fill.
    expect(rollbackWave(10, targets, 80)).toBe(60);
    expect(rollbackWave(10, targets, 1000)).toBe(1900);
  });

  it("never sizes the rollback wave below the largest batch, which the rollout proved fits", () => {
    const members = oldInstances(100);
    const targets = health(members);

    expect(rollbackWave(25, targets, 100)).toBe(25);
    expect(rollbackWave(0, [], 1000)).toBe(1000);
  });

  it("records the quota the waves were sized from, and uses it", () => {
    const { observed, targets } = healthyFleet();
    const quota = { value: 500, source: "default" as const, note: "could not read the quota" };

    const result = planRollout(deployInput(), observed, targets, [timing()], T0, quota);

    expect(result.targetQuota).toEqual(quota);
    expect(result.rollbackWave).toBe(500 - 12);
  });

  it("records no previous release or launch template when the group has none", () => {
    const { observed, targets } = healthyFleet(12, { tags: {}, launchTemplate: undefined });

    const result = plan(deployInput(), observed, targets);

    expect(result.previousRelease).toBeNull();
    expect(result.launchTemplate).toBeNull();
  });

  it("fails with UnhealthyFleetError when fewer instances serve than the floor", () => {
    const members = oldInstances(12);
    const targets = [...health(members.slice(0, 10)), ...health(members.slice(10), "unhealthy")];

    const attempt = () => plan(deployInput(), group(members), targets);

    expect(attempt).toThrow(UnhealthyFleetError);
    expect(attempt).toThrow(/Only 10 of 12 instances .* below the floor of 12 \(minHealthyPercent 100\)/);
  });

  it("plans when the unhealthy instances leave the floor intact", () => {
    const members = oldInstances(12);
    const targets = [...health(members.slice(0, 10)), ...health(members.slice(10), "unhealthy")];

    const result = plan(deployInput({ strategy: { minHealthyPercent: 80 } }), group(members), targets);

    expect(result.floor).toBe(10);
  });

  it("fails with MaxSizeTooSmallError when MaxSize leaves less room than the largest batch, naming both numbers and the fix", () => {
    const { observed, targets } = healthyFleet(12, { maxSize: 14 });

    const attempt = () => plan(deployInput(), observed, targets);

    expect(attempt).toThrow(MaxSizeTooSmallError);
    expect(attempt).toThrow(/MaxSize 14 and desired 12/);
    expect(attempt).toThrow(/largest batch needs 3/);
    expect(attempt).toThrow(/raise MaxSize to at least 15 or use smaller batches/);
  });

  it("plans when MaxSize leaves exactly room for the largest batch", () => {
    const { observed, targets } = healthyFleet(12, { maxSize: 15 });

    const result = plan(deployInput(), observed, targets);

    expect(result.baseline.maxSize).toBe(15);
  });

  it("fails with TargetGroupNotAttachedError naming the target group that is not attached", () => {
    const { observed, targets } = healthyFleet();
    const input = deployInput({ group: { autoScalingGroupName: "hello-prod-web", targetGroupArns: [TG_WEB, TG_API] } });

    const attempt = () => plan(input, observed, targets);

    expect(attempt).toThrow(TargetGroupNotAttachedError);
    expect(attempt).toThrow(`Target group ${TG_API} is not attached`);
  });

  it("fails with RolloutInProgressError when instances are in Standby", () => {
    const members = [...oldInstances(10), ...oldInstances(2, { state: "Standby", from: 11 })];

    const attempt = () => plan(deployInput(), group(members), health(members));

    expect(attempt).toThrow(RolloutInProgressError);
    expect(attempt).toThrow(/2 instance\(s\) in Standby \(i-old011, i-old012\)/);
  });

  it("fails with RolloutInProgressError when instances are entering Standby", () => {
    const members = [...oldInstances(10), ...oldInstances(1, { state: "EnteringStandby", from: 11 })];

    const attempt = () => plan(deployInput(), group(members), health(members));

    expect(attempt).toThrow(RolloutInProgressError);
  });

  it("rejects an imageId for a group without a launch template with InvalidDeployInputError", () => {
    const { observed, targets } = healthyFleet(12, { launchTemplate: undefined });
    const input = deployInput({ release: { id: "v2", imageId: "ami-0abc1234def567890" } });

    const attempt = () => plan(input, observed, targets);

    expect(attempt).toThrow(InvalidDeployInputError);
    expect(attempt).toThrow(/release\.imageId "ami-0abc1234def567890" needs a launch template/);
  });

  describe("with dryRun", () => {
    it("previews each batch with its size, zones and instance ids", () => {
      const { observed, targets } = healthyFleet();

      const result = plan(deployInput({ dryRun: true }), observed, targets);

      expect(result.preview).toHaveLength(4);
      for (const [index, batch] of (result.preview ?? []).entries()) {
        expect(batch.batch).toBe(index + 1);
        expect(batch.size).toBe(3);
        expect(batch.byZone).toEqual({ "eu-west-1a": 1, "eu-west-1b": 1, "eu-west-1c": 1 });
        expect(batch.instanceIds).toHaveLength(3);
      }
      const previewed = (result.preview ?? []).flatMap((batch) => batch.instanceIds ?? []);
      expect(previewed.sort()).toEqual(observed.instances.map((instance) => instance.id).sort());
    });

    it("retires instances that are not serving in the first batch", () => {
      const members = oldInstances(12);
      const targets = [...health(members.slice(0, 10)), ...health(members.slice(10), "unhealthy")];

      const result = plan(deployInput({ dryRun: true, strategy: { minHealthyPercent: 50 } }), group(members), targets);

      expect(result.preview?.[0]?.instanceIds).toEqual(expect.arrayContaining(["i-old011", "i-old012"]));
    });

    it("leaves instance ids out of the preview for more than 100 instances", () => {
      const { observed, targets } = healthyFleet(120, { maxSize: 240 });

      const result = plan(deployInput({ dryRun: true, strategy: { batches: ["50%"] } }), observed, targets);

      expect(result.preview).toEqual([
        { batch: 1, size: 60, byZone: { "eu-west-1a": 20, "eu-west-1b": 20, "eu-west-1c": 20 } },
        { batch: 2, size: 60, byZone: { "eu-west-1a": 20, "eu-west-1b": 20, "eu-west-1c": 20 } },
      ]);
    });
  });
});
