import { describe, expect, it } from "vitest";
import { parseConfig } from "../../../../functions/core/config/config.js";
import { decideCycleLock, WAITER_LIFETIME_MS } from "../../../../functions/core/cycle/cycle-lock.js";
import { cycleBatchSizes, cycleInputFor, cycleSplit, planCycle } from "../../../../functions/core/cycle/cycle.js";
import { InvalidConfigError, InvalidDeployInputError, NoReleaseToCycleError, RolloutInProgressError } from "../../../../functions/core/errors.js";
import { viewFleet } from "../../../../functions/core/fleet.js";
import { parseDeployInput } from "../../../../functions/core/config/input.js";
import { planRollout } from "../../../../functions/core/rollout/plan.js";
import example from "../../../../gantry.config.js";
import { HOUR, T0, TG_WEB, group, health, ids, instances, timing } from "../../fixtures.js";

const DAY = 24 * HOUR;
const config = parseConfig(example);

function cycleInput(patch: Record<string, unknown> = {}) {
  return parseDeployInput({
    app: "hello",
    env: "prod",
    mode: "cycle",
    group: { autoScalingGroupName: "hello-prod-web", targetGroupArns: [TG_WEB] },
    cycle: { maxAge: "14d", batchSize: 1 },
    ...patch,
  });
}

describe("cycleInputFor", () => {
  it("builds a complete cycle input from the configuration alone, with no release in it", () => {
    const input = cycleInputFor(config, "hello", "prod", { source: "schedule" });

    expect(input).toMatchObject({ app: "hello", env: "prod", mode: "cycle", cycle: { maxAge: "14d", batchSize: 1 }, trigger: { source: "schedule" } });
    expect(input.group.autoScalingGroupName).toBe("hello-prod");
    expect(input).not.toHaveProperty("release");
    expect(parseDeployInput(JSON.parse(JSON.stringify(input))).mode).toBe("cycle");
  });

  it("fails naming the environment when it has no cycling section, or does not exist", () => {
    expect(() => cycleInputFor(config, "hello", "staging", { source: "schedule" })).toThrow(/apps\.hello\.environments\.staging\.cycling is not configured/);
    expect(() => cycleInputFor(config, "hello", "qa", { source: "schedule" })).toThrow(InvalidConfigError);
  });
});

describe("execution input in cycle mode", () => {
  it("rejects a deploy without a release, a cycle with one, and a cycle without its settings", () => {
    const base = { app: "hello", env: "prod", group: { autoScalingGroupName: "g", targetGroupArns: [TG_WEB] } };

    expect(() => parseDeployInput(base)).toThrow(/release: missing is required for a deploy/);
    expect(() => parseDeployInput({ ...base, mode: "cycle", cycle: { maxAge: "14d" }, release: { id: "v2" } })).toThrow(
      /release: .* is not taken by a cycle run/,
    );
    expect(() => parseDeployInput({ ...base, mode: "cycle" })).toThrow(InvalidDeployInputError);
    expect(() => parseDeployInput({ ...base, mode: "cycle", cycle: { maxAge: "5m" } })).toThrow(/cycle\.maxAge: "5m" is shorter than the minimum/);
    expect(() => parseDeployInput({ ...base, mode: "cycle", cycle: { maxAge: "14d", maxBatchesPerRun: 61 } })).toThrow(
      /cycle\.maxBatchesPerRun: 61 is above 60: more batches would not fit one run/,
    );
    expect(() => parseDeployInput({ ...base, mode: "cycle", cycle: { maxAge: "14d", maxBatchesPerRun: 0 } })).toThrow(/cycle\.maxBatchesPerRun: 0 is below 1/);
  });
});

describe("planRollout in cycle mode", () => {
  const old = instances(3, { prefix: "old", launchedAt: T0 - 20 * DAY });
  const young = instances(3, { prefix: "young", launchedAt: T0 - 2 * DAY });

  it("keeps the group's release and replaces only instances launched before the run's start minus maxAge", () => {
    const members = [...old, ...young];

    const plan = planRollout(cycleInput(), group(members), health(members), [timing()], T0);

    expect(plan).toMatchObject({ release: "v1", previousRelease: "v1", toReplace: 3, alreadyOnRelease: 3, batchSizes: [1, 1, 1] });
    expect(plan.cycle).toEqual({ maxAge: "14d", replaceLaunchedBefore: T0 - 14 * DAY, leftForNextRun: 0 });
  });

  it("plans at most 24 batches a run by default, leaving the rest for the next run", () => {
    const fleet = instances(30, { launchedAt: T0 - 20 * DAY });

    const plan = planRollout(cycleInput(), group(fleet), health(fleet), [timing()], T0);

    expect(plan.batchSizes).toEqual(Array(24).fill(1));
    expect(plan.toReplace).toBe(30);
    expect(plan.cycle?.leftForNextRun).toBe(6);
  });

  it("plans at most maxBatchesPerRun batches, and all of them when the old instances fit", () => {
    const fleet = instances(10, { launchedAt: T0 - 20 * DAY });

    const limited = planRollout(cycleInput({ cycle: { maxAge: "14d", batchSize: 2, maxBatchesPerRun: 3 } }), group(fleet), health(fleet), [timing()], T0);
    const fits = planRollout(cycleInput({ cycle: { maxAge: "14d", batchSize: 2, maxBatchesPerRun: 5 } }), group(fleet), health(fleet), [timing()], T0);

    expect(limited.batchSizes).toEqual([2, 2, 2]);
    expect(limited.cycle?.leftForNextRun).toBe(4);
    expect(fits.batchSizes).toEqual([2, 2, 2, 2, 2]);
    expect(fits.cycle?.leftForNextRun).toBe(0);
  });

  it("plans no batch when nothing is old enough", () => {
    const plan = planRollout(cycleInput(), group(young), health(young), [timing()], T0);

    expect(plan.batchCount).toBe(0);
  });

  it("takes a share batch size of the whole group, not of the old instances", () => {
    expect(cycleBatchSizes("25%", 40, 6)).toEqual([6]);
    expect(cycleBatchSizes("25%", 8, 6)).toEqual([2, 2, 2]);
    expect(cycleBatchSizes(1, 8, 2)).toEqual([1, 1]);
  });

  it("keeps a floor of one in a one-instance group whatever minHealthyPercent says", () => {
    const one = instances(1, { launchedAt: T0 - 20 * DAY });

    const plan = planRollout(cycleInput({ strategy: { minHealthyPercent: 0 } }), group(one, { maxSize: 2 }), health(one), [timing()], T0);

    expect(plan.floor).toBe(1);
    expect(plan.batchSizes).toEqual([1]);
  });

  it("rejects a group without a release tag, and one whose instances run another release", () => {
    const members = [...old, ...young];
    const untagged = group(members, { tags: {} });
    const mixed = [...old, ...instances(1, { prefix: "other", release: "v0", launchedAt: T0 - 3 * DAY })];

    expect(() => planRollout(cycleInput(), untagged, health(members), [timing()], T0)).toThrow(NoReleaseToCycleError);
    expect(() => planRollout(cycleInput(), group(mixed), health(mixed), [timing()], T0)).toThrow(RolloutInProgressError);
    expect(() => planRollout(cycleInput(), group(mixed), health(mixed), [timing()], T0)).toThrow(/i-other001 \(v0\)/);
  });
});

describe("cycleSplit", () => {
  it("splits by launch time, and during a rollback counts instances launched since it began as old", () => {
    const old = instances(2, { prefix: "old", launchedAt: T0 - 20 * DAY });
    const batch = instances(1, { prefix: "new", launchedAt: T0 + 60_000 });
    const relaunched = instances(1, { prefix: "relaunch", launchedAt: T0 + HOUR });
    const members = [...old, ...batch, ...relaunched];
    const cycle = planCycle("14d", T0);

    const during = viewFleet(group(members), health(members), "v1", cycleSplit(cycle));
    const rollingBack = viewFleet(group(members), health(members), "v1", cycleSplit(cycle, T0 + HOUR - 1));

    expect([ids(during.old), ids(during.fresh)]).toEqual([
      ["i-old001", "i-old002"],
      ["i-new001", "i-relaunch001"],
    ]);
    expect([ids(rollingBack.old), ids(rollingBack.fresh)]).toEqual([["i-old001", "i-old002", "i-relaunch001"], ["i-new001"]]);
  });

  it("counts an instance relaunched in the second the rollback began in as old (EC2's LaunchTime has no milliseconds)", () => {
    const old = instances(2, { prefix: "old", launchedAt: T0 - 20 * DAY });
    const relaunched = instances(1, { prefix: "relaunch", launchedAt: T0 + HOUR });
    const members = [...old, ...relaunched];

    const rollingBack = viewFleet(group(members), health(members), "v1", cycleSplit(planCycle("14d", T0), T0 + HOUR + 600));

    expect(ids(rollingBack.old)).toEqual(["i-old001", "i-old002", "i-relaunch001"]);
  });
});

describe("decideCycleLock", () => {
  const now = T0;

  it("takes a free lock without touching the push order, and keeps its own on a retry", () => {
    expect(decideCycleLock(undefined, "cycle-1", now)).toEqual({ outcome: "acquired", write: "take", seenNewest: undefined });
    expect(decideCycleLock({ newest: "push-1", newestSeq: now - 1, lastHolder: "push-1" }, "cycle-1", now)).toEqual({
      outcome: "acquired",
      write: "take",
      seenNewest: "push-1",
    });
    expect(decideCycleLock({ holder: "cycle-1", leaseUntil: now + 1 }, "cycle-1", now)).toEqual({ outcome: "acquired", write: "extend" });
  });

  it("skips while a deploy or another cycle holds the lock", () => {
    expect(decideCycleLock({ holder: "push-1", leaseUntil: now + 1, newest: "push-1" }, "cycle-2", now)).toEqual({
      outcome: "skipped",
      reason: "push-1 holds the lock",
    });
    expect(decideCycleLock({ holder: "cycle-1", leaseUntil: now + 1 }, "cycle-2", now)).toEqual({ outcome: "skipped", reason: "cycle-1 holds the lock" });
  });

  it("skips while a push is queued for a free lock, unless that push is older than an execution can live", () => {
    const queued = { newest: "push-2", newestSeq: now - 1_000, lastHolder: "push-1" };

    expect(decideCycleLock(queued, "cycle-1", now)).toEqual({ outcome: "skipped", reason: "push-2 is queued for the lock" });
    expect(decideCycleLock({ ...queued, newestSeq: now - WAITER_LIFETIME_MS - 1 }, "cycle-1", now).outcome).toBe("acquired");
  });
});
