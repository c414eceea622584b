import { afterAll, describe, expect, it } from "vitest";
import { acquireLock, readLock, releaseLock } from "../../functions/aws/lock/deploy-lock.js";
import { listReleases } from "../../functions/aws/releases/release-history.js";
import { VirtualClock } from "../../local/clock.js";
import { closeLocalDynamo, ensureLocalDynamo } from "../../local/dynamo-session.js";
import { deployHandlers, type LambdaHandler } from "../../local/handlers.js";
import type { ExecutionEvent } from "../../functions/core/executions/execution-record.js";
import { createLocalFleet, cycleInputOf, runLocalDeploy, type LocalFleet } from "../../local/scenario.js";
import { breakBatch, fleetState, watchFleet } from "../../local/watch.js";

const DAY = 86_400;
const strategy = { bakeSeconds: 60, pollSeconds: 15 };

afterAll(() => closeLocalDynamo());

/** Ids of the instances that are leaving service (Standby or Terminating), in the order they started to. */
function retirementOrder(fleet: LocalFleet) {
  const order: string[] = [];
  return {
    order,
    onEvent: (event: ExecutionEvent) => {
      if (event.kind !== "exited" || event.step.state !== "Retire old instances") return;
      for (const instance of fleet.cloud.snapshot(fleet.groupName).instances) {
        const leaving = instance.lifecycle !== "InService" && instance.lifecycle !== "Pending";
        if (leaving && !order.includes(instance.instanceId)) order.push(instance.instanceId);
      }
    },
  };
}

function mutatingCalls(fleet: LocalFleet): string[] {
  return Object.keys(fleet.cloud.calls.byCommand).filter((command) => !/^(Describe|Get)/.test(command));
}

describe("cycle runs of the deploy state machine, run locally", () => {
  it("replaces only the instances older than maxAge, oldest first, on the same release, holding the floor", async () => {
    // Launch order fills zones a, b, c, a, b, c: a has 20d and 2d, b 3d and 16d, c 18d and 1d.
    const fleet = createLocalFleet({ instances: 6, app: "cycleone", ages: [20 * DAY, 3 * DAY, 18 * DAY, 2 * DAY, 16 * DAY, 1 * DAY] });
    const start = fleet.cloud.snapshot(fleet.groupName).instances;
    const startedAt = fleet.clock.now();
    const byAge = (days: number) => start.find((instance) => startedAt - instance.launchTime === days * DAY * 1000)?.instanceId;
    const watch = watchFleet(fleet);
    const retired = retirementOrder(fleet);

    const record = await runLocalDeploy(fleet, cycleInputOf(fleet, "14d", { strategy }), {
      ...watch,
      onEvent: (event) => {
        watch.onEvent(event);
        retired.onEvent(event);
      },
    });

    expect(record.status).toBe("SUCCEEDED");
    expect(record.steps.at(-1)?.state).toBe("Cycled");
    expect(retired.order).toEqual([byAge(20), byAge(18), byAge(16)]);
    const end = fleetState(fleet);
    expect(end.releases).toEqual(Array(6).fill("v1:InService"));
    expect(end.desired).toBe(6);
    expect(end.suspended).toEqual([]);
    expect(end.ids).toEqual(expect.arrayContaining([byAge(3), byAge(2), byAge(1)]));
    expect(end.ids).not.toEqual(expect.arrayContaining([byAge(20)]));
    expect(watch.minServing()).toBeGreaterThanOrEqual(6);
    expect(record.steps.filter((step) => step.state === "Launch batch")).toHaveLength(3);
  });

  it("balances each batch across zones before strict age order", async () => {
    // a: 30d and 29d, b: 20d and 19d, c: 16d and 15d; every instance is over 14d.
    const fleet = createLocalFleet({ instances: 6, maxSize: 9, app: "cyclezones", ages: [30, 20, 16, 29, 19, 15].map((days) => days * DAY) });

    const record = await runLocalDeploy(fleet, cycleInputOf(fleet, "14d", { strategy, dryRun: true, cycle: { maxAge: "14d", batchSize: 3 } }));

    const plan = (record.output as { plan: { preview: { byZone: Record<string, number>; instances: { ageSeconds: number }[] }[] } }).plan;
    expect(plan.preview.map((batch) => batch.byZone)).toEqual([
      { "eu-west-1a": 1, "eu-west-1b": 1, "eu-west-1c": 1 },
      { "eu-west-1a": 1, "eu-west-1b": 1, "eu-west-1c": 1 },
    ]);
    expect(plan.preview.map((batch) => batch.instances.map((instance) => instance.ageSeconds / DAY))).toEqual([
      [30, 20, 16],
      [29, 19, 15],
    ]);
  });

  it("writes nothing to the release history and frees the lock", async () => {
    const fleet = createLocalFleet({ instances: 2, app: "cyclehist", ages: [30 * DAY, 30 * DAY] });

    const record = await runLocalDeploy(fleet, cycleInputOf(fleet, "14d", { strategy }));

    expect(record.steps.at(-1)?.state).toBe("Cycled");
    expect((await listReleases("cyclehist", "prod")).releases).toEqual([]);
    expect((await readLock("cyclehist", "prod"))?.holder).toBeUndefined();
  });

  it("ends as a no-op, changing nothing, when no instance is old enough", async () => {
    const fleet = createLocalFleet({ instances: 4, app: "cyclenoop", ages: [5 * DAY, 4 * DAY, 3 * DAY, 2 * DAY] });
    const before = fleetState(fleet);
    fleet.cloud.resetCalls();

    const record = await runLocalDeploy(fleet, cycleInputOf(fleet, "14d", { strategy }));

    expect(record.status).toBe("SUCCEEDED");
    expect(record.steps.at(-1)?.state).toBe("Nothing to cycle");
    expect(record.steps.map((step) => step.state)).toContain("Outcome: nothing to cycle");
    expect(mutatingCalls(fleet)).toEqual([]);
    expect(fleetState(fleet)).toEqual(before);
  });

  it("counts ages from the run's start: setting the clock forward makes instances old", async () => {
    const clock = new VirtualClock();
    const fleet = createLocalFleet({ instances: 2, app: "cycleclock", ages: [10 * DAY, 1 * DAY], clock });
    const young = await runLocalDeploy(fleet, cycleInputOf(fleet, "14d", { strategy }));
    clock.set(clock.now() + 5 * DAY * 1000);
    const ids = fleetState(fleet).ids;

    const aged = await runLocalDeploy(fleet, cycleInputOf(fleet, "14d", { strategy }));

    expect(young.steps.at(-1)?.state).toBe("Nothing to cycle");
    expect(aged.steps.at(-1)?.state).toBe("Cycled");
    expect(fleetState(fleet).ids.filter((id) => ids.includes(id))).toHaveLength(1);
  });

  it("rolls the cycle back when a gate fails: new instances gone, the old ones back in service", async () => {
    const fleet = createLocalFleet({ instances: 6, app: "cyclefail", ages: Array(6).fill(20 * DAY) });
    const before = fleetState(fleet);
    const watch = watchFleet(fleet);
    const breakSecond = breakBatch(fleet, 2);

    const record = await runLocalDeploy(fleet, cycleInputOf(fleet, "14d", { strategy }), {
      ...watch,
      onEvent: (event) => {
        watch.onEvent(event);
        breakSecond(event);
      },
    });

    expect(record.status).toBe("FAILED");
    expect(record.error).toBe("CycleRolledBack");
    expect(record.cause).toMatch(/^Cycle of cyclefail\/prod \(v1, instances over 14d\) failed in batch 2 of 6 and was rolled back/);
    expect(record.cause).toMatch(/HealthGateFailedError: .*unhealthy in target group cyclefail-prod-1/);
    expect(fleetState(fleet)).toEqual(before);
    expect(watch.minServing()).toBeGreaterThanOrEqual(6);
    expect((await readLock("cyclefail", "prod"))?.holder).toBeUndefined();
  });

  it("rolls back a cycle that retires by termination to the same capacity, old launch times kept apart from the relaunched", async () => {
    const fleet = createLocalFleet({ instances: 6, app: "cycleterm", ages: Array(6).fill(20 * DAY) });
    const watch = watchFleet(fleet);
    const breakThird = breakBatch(fleet, 3);

    const record = await runLocalDeploy(fleet, cycleInputOf(fleet, "14d", { strategy: { ...strategy, retire: "terminate" } }), {
      ...watch,
      onEvent: (event) => {
        watch.onEvent(event);
        breakThird(event);
      },
    });

    expect(record.error).toBe("CycleRolledBack");
    const end = fleetState(fleet);
    expect(end.releases).toEqual(Array(6).fill("v1:InService"));
    expect(end.desired).toBe(6);
    expect(end.serving).toBe(6);
    expect(watch.minServing()).toBeGreaterThanOrEqual(6);
  });

  it("cycles a one-instance group launch-first: it never has zero serving instances", async () => {
    const fleet = createLocalFleet({ instances: 1, maxSize: 2, zones: 1, app: "cycleone-instance", ages: [30 * DAY] });
    const [original] = fleetState(fleet).ids;
    const watch = watchFleet(fleet, 1_000);

    const record = await runLocalDeploy(fleet, cycleInputOf(fleet, "14d", { strategy: { ...strategy, minHealthyPercent: 0 } }), watch);

    expect(record.steps.at(-1)?.state).toBe("Cycled");
    expect(watch.minServing()).toBe(1);
    const end = fleetState(fleet);
    expect(end.releases).toEqual(["v1:InService"]);
    expect(end.ids).not.toContain(original);
  });

  it("is skipped, changing nothing, while a deploy holds the lock", async () => {
    const fleet = createLocalFleet({ instances: 4, app: "cycleheld", ages: Array(4).fill(20 * DAY) });
    await ensureLocalDynamo();
    const now = fleet.clock.now();
    await acquireLock({ app: "cycleheld", env: "prod", holder: "cycleheld-prod-v2-deploy", seq: now, now, leaseSeconds: 900 });
    const before = fleetState(fleet);
    fleet.cloud.resetCalls();

    const record = await runLocalDeploy(fleet, cycleInputOf(fleet, "14d", { strategy }));

    expect(record.status).toBe("SUCCEEDED");
    expect(record.steps.at(-1)?.state).toBe("Cycle skipped");
    const lock = record.steps.find((step) => step.state === "Take the deploy lock")?.output as { lock: { reason: string } };
    expect(lock.lock.reason).toBe("cycleheld-prod-v2-deploy holds the lock");
    expect(Object.keys(fleet.cloud.calls.byCommand)).toEqual([]);
    expect(fleetState(fleet)).toEqual(before);
    expect((await readLock("cycleheld", "prod"))?.holder?.holder).toBe("cycleheld-prod-v2-deploy");
  });

  it("never supersedes a queued deploy: skipped while a push waits, and the push still goes ahead", async () => {
    const fleet = createLocalFleet({ instances: 2, app: "cyclequeue", ages: Array(2).fill(20 * DAY) });
    await ensureLocalDynamo();
    const now = fleet.clock.now();
    const ask = (holder: string, seq: number) => acquireLock({ app: "cyclequeue", env: "prod", holder, seq, now, leaseSeconds: 900 });
    await ask("cyclequeue-prod-r1", now - 2);
    expect(await ask("cyclequeue-prod-r2", now - 1)).toEqual({ outcome: "wait", heldBy: "cyclequeue-prod-r1" });
    await releaseLock({ app: "cyclequeue", env: "prod", holder: "cyclequeue-prod-r1" });

    const record = await runLocalDeploy(fleet, cycleInputOf(fleet, "14d", { strategy }));

    expect(record.steps.at(-1)?.state).toBe("Cycle skipped");
    expect(await ask("cyclequeue-prod-r2", now - 1)).toEqual({ outcome: "acquired" });
  });

  it("previews which instances would go in which batch, with zone and age, changing nothing", async () => {
    const fleet = createLocalFleet({ instances: 4, app: "cyclepreview", ages: [15 * DAY, 20 * DAY, 1 * DAY, 30 * DAY] });
    fleet.cloud.resetCalls();

    const record = await runLocalDeploy(fleet, cycleInputOf(fleet, "14d", { strategy, dryRun: true, cycle: { maxAge: "14d", batchSize: 2 } }));

    expect(record.steps.at(-1)?.state).toBe("Dry run complete");
    const plan = (record.output as { plan: { batchSizes: number[]; preview: { instances: { zone: string; ageSeconds: number }[] }[] } }).plan;
    expect(plan.batchSizes).toEqual([2, 1]);
    expect(plan.preview.map((batch) => batch.instances.map((instance) => [instance.zone, instance.ageSeconds / DAY]))).toEqual([
      [
        ["eu-west-1a", 30],
        ["eu-west-1b", 20],
      ],
      [["eu-west-1a", 15]],
    ]);
    expect(mutatingCalls(fleet)).toEqual([]);
  });

  it("launches no batch while the previous one still drains, and finishes without a one-second loop", async () => {
    // The target group's delay is 300 s but the plan believes 0 s (as when the delay is raised
    // after planning): the bake wait alone no longer covers the drain.
    const fleet = createLocalFleet({ instances: 3, app: "cycledrain", ages: Array(3).fill(20 * DAY), deregistrationDelaySeconds: 300 });
    const plan = deployHandlers.PlanRolloutFunctionArn as LambdaHandler;
    const planShortDrain: LambdaHandler = async (event, context) => ({ ...((await plan(event, context)) as object), drainSeconds: 0 });
    const drainingAtLaunch: number[] = [];

    const record = await runLocalDeploy(fleet, cycleInputOf(fleet, "14d", { strategy }), {
      handlers: { ...deployHandlers, PlanRolloutFunctionArn: planShortDrain },
      onEvent: (event) => {
        if (event.kind !== "entered" || (event.step.state !== "Launch batch" && event.step.state !== "Finish rollout")) return;
        const entering = fleet.cloud.snapshot(fleet.groupName).instances.filter((instance) => instance.lifecycle === "EnteringStandby");
        drainingAtLaunch.push(entering.length);
      },
    });

    expect(record.steps.at(-1)?.state).toBe("Cycled");
    expect(drainingAtLaunch).toEqual(Array(drainingAtLaunch.length).fill(0));
    expect(record.steps.filter((step) => step.state === "Finish rollout")).toHaveLength(1);
    expect(fleetState(fleet).releases).toEqual(Array(3).fill("v1:InService"));
  });

  it("stops at maxBatchesPerRun, says how many old instances are left, and the next run carries on", async () => {
    const fleet = createLocalFleet({ instances: 5, app: "cyclelimit", ages: [30, 25, 20, 18, 16].map((days) => days * DAY) });
    const input = cycleInputOf(fleet, "14d", { strategy, cycle: { maxAge: "14d", batchSize: 1, maxBatchesPerRun: 2 } });

    const first = await runLocalDeploy(fleet, input);

    expect(first.steps.at(-1)?.state).toBe("Cycled");
    expect(first.steps.filter((step) => step.state === "Launch batch")).toHaveLength(2);
    const finish = first.steps.findLast((step) => step.state === "Finish rollout")?.output as {
      progress: { summary: string; result: { replaced: number; leftForNextRun: number } };
    };
    expect(finish.progress.result).toMatchObject({ replaced: 2, leftForNextRun: 3 });
    expect(finish.progress.summary).toMatch(
      /^cycled 2 instance\(s\) older than 14d in 2 batch\(es\) .*; 3 over 14d left for the next run \(at most 2 batch\(es\) per run\)/,
    );
    expect(fleetState(fleet).releases).toEqual(Array(5).fill("v1:InService"));

    const second = await runLocalDeploy(fleet, input);
    const third = await runLocalDeploy(fleet, input);

    expect(second.steps.filter((step) => step.state === "Launch batch")).toHaveLength(2);
    expect(third.steps.filter((step) => step.state === "Launch batch")).toHaveLength(1);
    expect((await runLocalDeploy(fleet, input)).steps.at(-1)?.state).toBe("Nothing to cycle");
  });

  it("ends cleanly after the current batch when a push is queued for the lock, and the push goes ahead", async () => {
    const fleet = createLocalFleet({ instances: 4, app: "cyclepush", ages: Array(4).fill(20 * DAY) });
    const now = fleet.clock.now();
    const push = { app: "cyclepush", env: "prod", holder: "cyclepush-prod-v2-push", seq: now, leaseSeconds: 900 };
    const retire = deployHandlers.RetireOldInstancesFunctionArn as LambdaHandler;
    let asked: string | undefined;
    // The push arrives while batch 1 bakes: it finds the lock held and registers as the next.
    const retireThenPush: LambdaHandler = async (event, context) => {
      const result = await retire(event, context);
      asked ??= (await acquireLock({ ...push, now: fleet.clock.now() })).outcome;
      return result;
    };

    const record = await runLocalDeploy(fleet, cycleInputOf(fleet, "14d", { strategy }), {
      handlers: { ...deployHandlers, RetireOldInstancesFunctionArn: retireThenPush },
    });

    expect(asked).toBe("wait");
    expect(record.steps.at(-1)?.state).toBe("Cycled");
    expect(record.steps.filter((step) => step.state === "Launch batch")).toHaveLength(1);
    const finish = record.steps.findLast((step) => step.state === "Finish rollout")?.output as { progress: { summary: string } };
    expect(finish.progress.summary).toContain("3 over 14d left for the next run (cyclepush-prod-v2-push is waiting for the lock)");
    expect(fleetState(fleet).releases).toEqual(Array(4).fill("v1:InService"));
    expect(await acquireLock({ ...push, now: fleet.clock.now() })).toEqual({ outcome: "acquired" });
  });

  it("keeps what a rollback relaunched when a pass that relaunched is retried (Lambda failure after acting)", async () => {
    const fleet = createLocalFleet({ instances: 6, app: "cycleretry", ages: Array(6).fill(20 * DAY) });
    const watch = watchFleet(fleet);
    const breakThird = breakBatch(fleet, 3);
    const ids = () => new Set(fleet.cloud.snapshot(fleet.groupName).instances.map((instance) => instance.instanceId));
    const rollBack = deployHandlers.RollBackFunctionArn as LambdaHandler;
    let relaunched: string[] = [];
    const crashAfterRelaunching: LambdaHandler = async (event, context) => {
      const before = ids();
      const result = await rollBack(event, context);
      const launched = [...ids()].filter((id) => !before.has(id));
      if (relaunched.length > 0 || launched.length === 0) return result;
      relaunched = launched;
      throw Object.assign(new Error("Lambda was unable to return the result"), { name: "Lambda.ServiceException" });
    };

    const record = await runLocalDeploy(fleet, cycleInputOf(fleet, "14d", { strategy: { ...strategy, retire: "terminate" } }), {
      ...watch,
      handlers: { ...deployHandlers, RollBackFunctionArn: crashAfterRelaunching },
      onEvent: (event) => {
        watch.onEvent(event);
        breakThird(event);
      },
    });

    expect(record.error).toBe("CycleRolledBack");
    expect(relaunched.length).toBeGreaterThan(0);
    const end = fleetState(fleet);
    expect(end.ids).toEqual(expect.arrayContaining(relaunched));
    expect(end.releases).toEqual(Array(6).fill("v1:InService"));
    expect(watch.minServing()).toBeGreaterThanOrEqual(6);
  });
});
