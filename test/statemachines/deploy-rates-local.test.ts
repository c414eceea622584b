import { describe, expect, it } from "vitest";
import { EC2_RATES, type ApiRates } from "../../local/cloud/index.js";
import { createLocalFleet, runLocalDeploy } from "../../local/scenario.js";
import { breakBatch, fleetState, watchFleet } from "../../local/watch.js";

const strategy = { batches: ["25%"], bakeSeconds: 60, pollSeconds: 15 };

interface PlannedQuota {
  plan: { rollbackWave: number; targetQuota: { value: number; source: string; note?: string }; summary?: string };
}

describe("deploy state machine at the account's quota and API rates, run locally", () => {
  it("sizes rollback waves from the quota Service Quotas reports and rolls back from the last batch within it", async () => {
    // 40 instances over 4 target groups (10 each at rest), 20 targets allowed per target group.
    const fleet = createLocalFleet({ instances: 40, targetGroups: 4, membership: "spread", maxTargets: 20, maxSize: 50 });
    const before = fleetState(fleet);
    const watch = watchFleet(fleet);
    const breakLast = breakBatch(fleet, 4);

    const record = await runLocalDeploy(fleet, fleet.deployInput("v2", { strategy }), {
      ...watch,
      onEvent: (event) => {
        watch.onEvent(event);
        breakLast(event);
      },
    });

    const planned = record.steps.find((step) => step.state === "Plan rollout")?.output as PlannedQuota;
    expect(planned.plan.targetQuota).toEqual({ value: 20, source: "service-quotas" });
    // 10 free slots in each of 4 target groups: room for 40 instances above the start.
    expect(planned.plan.rollbackWave).toBe(40);
    expect(record.error).toBe("DeployRolledBack");
    expect(fleetState(fleet)).toEqual(before);
    expect(watch.minServing()).toBeGreaterThanOrEqual(40);
    expect(fleet.cloud.activities(fleet.groupName).filter((activity) => activity.status === "Failed")).toEqual([]);
  });

  it("deploys on the default quota, with a note in the plan, when the quota cannot be read", async () => {
    const fleet = createLocalFleet({ instances: 12 });
    fleet.cloud.failNext("GetServiceQuota", "AccessDeniedException");

    const record = await runLocalDeploy(fleet, fleet.deployInput("v2", { strategy }));

    expect(record.status).toBe("SUCCEEDED");
    const planned = record.steps.find((step) => step.state === "Plan rollout")?.output as PlannedQuota;
    expect(planned.plan.targetQuota).toMatchObject({ value: 1000, source: "default", note: expect.stringMatching(/AccessDeniedException/) });
    expect(planned.plan.summary).toMatch(/assumed the default of 1000/);
  });

  it("rides out throttling that reaches it as RequestLimitExceeded and Throttling through the steps' Retry", async () => {
    const rates: ApiRates = { ...EC2_RATES, reads: { capacity: 3, perSecond: 0.5 }, writes: { capacity: 2, perSecond: 0.5 }, whenEmpty: "throttle" };
    const fleet = createLocalFleet({ instances: 12, apiRates: rates });
    const retried: string[] = [];

    const record = await runLocalDeploy(fleet, fleet.deployInput("v2", { strategy }), {
      onEvent: (event) => {
        if (event.kind === "retried") retried.push(event.state);
      },
    });

    expect(record.status).toBe("SUCCEEDED");
    expect(fleet.cloud.throttling.calls).toBeGreaterThan(0);
    expect(retried.length).toBeGreaterThan(0);
    const failures = record.steps.flatMap((step) => (step.error ? [step.error] : []));
    expect(new Set(failures)).toEqual(new Set(["AwsThrottledError"]));
    expect(fleetState(fleet).releases).toEqual(Array.from({ length: 12 }, () => "v2:InService"));
  });

  it("takes the time EC2's rates impose when calls wait for their tokens", async () => {
    const plain = createLocalFleet({ instances: 12 });
    const free = await runLocalDeploy(plain, plain.deployInput("v2", { strategy }));
    const rated = createLocalFleet({ instances: 12, apiRates: { ...EC2_RATES, writes: { capacity: 1, perSecond: 0.1 } } });

    const slowed = await runLocalDeploy(rated, rated.deployInput("v2", { strategy }));

    expect(slowed.status).toBe("SUCCEEDED");
    expect(rated.cloud.throttling.calls).toBeGreaterThan(0);
    expect((slowed.stoppedAt ?? 0) - slowed.startedAt).toBeGreaterThan((free.stoppedAt ?? 0) - free.startedAt);
  });
});
