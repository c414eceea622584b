import { afterAll, describe, expect, it } from "vitest";
import { acquireLock, readLock } from "../../functions/aws/lock/deploy-lock.js";
import { listReleases } from "../../functions/aws/releases/release-history.js";
import { VirtualClock } from "../../local/clock.js";
import { closeLocalDynamo, ensureLocalDynamo } from "../../local/dynamo-session.js";
import { deployHandlers, type LambdaHandler } from "../../local/handlers.js";
import { createLocalFleet, cycleInputOf, runLocalDeploy } from "../../local/scenario.js";
import { fleetState } from "../../local/watch.js";

const strategy = { batches: ["50%"], bakeSeconds: 30, pollSeconds: 10 };

afterAll(() => closeLocalDynamo());

describe("deploy state machine with its app/env lock and release history", () => {
  it("numbers each deploy, records how it ended and frees the lock", async () => {
    const fleet = createLocalFleet({ instances: 4, app: "lockone" });
    fleet.cloud.setReleaseHealth("bad", "unhealthy");

    const good = await runLocalDeploy(fleet, fleet.deployInput("good", { strategy }));
    const bad = await runLocalDeploy(fleet, fleet.deployInput("bad", { strategy }));

    expect([good.status, bad.error]).toEqual(["SUCCEEDED", "DeployRolledBack"]);
    const { releases } = await listReleases("lockone", "prod");
    expect(releases.map((release) => [release.label, release.releaseId, release.status])).toEqual([
      ["v2", "bad", "rolled back"],
      ["v1", "good", "deployed"],
    ]);
    expect(releases[0]?.cause).toMatch(/failed in batch 1 of 2 and was rolled back to good/);
    expect((await readLock("lockone", "prod"))?.holder).toBeUndefined();
  });

  it("runs one deploy at a time; of the pushes queued meanwhile only the newest goes ahead", async () => {
    const fleet = createLocalFleet({ instances: 4, app: "locktwo" });
    const push = (release: string, receivedAt: number) =>
      runLocalDeploy(fleet, fleet.deployInput(release, { strategy, trigger: { source: "github", receivedAt } }));

    const [first, middle, newest] = await Promise.all([push("r1", 1), push("r2", 2), push("r3", 3)]);

    expect(first.status).toBe("SUCCEEDED");
    expect(middle.steps.at(-1)?.state).toBe("Superseded");
    expect(newest.steps.map((step) => step.state)).toContain("Wait for the deploy lock");
    expect(newest.steps.at(-1)?.state).toBe("Deployed");
    expect(fleetState(fleet).releases).toEqual(Array(4).fill("r3:InService"));
    const { releases } = await listReleases("locktwo", "prod");
    expect(releases.map((release) => [release.label, release.releaseId, release.status])).toEqual([
      ["v2", "r3", "deployed"],
      ["v1", "r1", "deployed"],
    ]);
  });

  it("takes no lock and records no release for a dry run", async () => {
    const fleet = createLocalFleet({ instances: 2, app: "lockthree" });

    const record = await runLocalDeploy(fleet, fleet.deployInput("v2", { strategy, dryRun: true }));

    expect(record.steps.map((step) => step.state)).not.toContain("Take the deploy lock");
    expect((await listReleases("lockthree", "prod")).releases).toEqual([]);
  });

  it("frees the lock when the lock step fails for good after taking it, so the next push goes at once", async () => {
    const fleet = createLocalFleet({ instances: 2, app: "lockfour" });
    const takeLock = deployHandlers.TakeDeployLockFunctionArn as LambdaHandler;
    const takesThenFails: LambdaHandler = async (event, context) => {
      await takeLock(event, context);
      throw Object.assign(new Error("release table is gone"), { name: "ResourceNotFoundException" });
    };

    const broken = await runLocalDeploy(fleet, fleet.deployInput("r1", { strategy }), {
      handlers: { ...deployHandlers, TakeDeployLockFunctionArn: takesThenFails },
    });
    const lockAfter = await readLock("lockfour", "prod");
    const next = await runLocalDeploy(fleet, fleet.deployInput("r2", { strategy }));

    expect(broken.error).toBe("DeployNotStarted");
    expect(lockAfter?.holder).toBeUndefined();
    expect(next.steps.map((step) => step.state)).not.toContain("Wait for the deploy lock");
    expect(next.status).toBe("SUCCEEDED");
  });

  it("ends the turn of a queued push that fails while waiting, so cycles are not blocked by it", async () => {
    const clock = new VirtualClock();
    const fleet = createLocalFleet({ instances: 2, app: "lockdead", ages: [30 * 86_400, 30 * 86_400], clock });
    await ensureLocalDynamo();
    const now = clock.now();
    await acquireLock({ app: "lockdead", env: "prod", holder: "lockdead-prod-r1", seq: now - 10, now, leaseSeconds: 60 });
    const take = deployHandlers.TakeDeployLockFunctionArn as LambdaHandler;
    let asks = 0;
    // The push registers as the next waiter, then its lock step fails for good.
    const failingWhileWaiting: LambdaHandler = async (event, context) => {
      if ((asks += 1) > 1) throw Object.assign(new Error("Lambda timed out"), { name: "States.Timeout" });
      return take(event, context);
    };
    const push = await runLocalDeploy(fleet, fleet.deployInput("r2", { strategy, trigger: { source: "github", receivedAt: now } }), {
      handlers: { ...deployHandlers, TakeDeployLockFunctionArn: failingWhileWaiting },
    });
    clock.set(clock.now() + 120_000);

    const cycle = await runLocalDeploy(fleet, cycleInputOf(fleet, "14d", { strategy: { bakeSeconds: 30, pollSeconds: 10 } }));

    expect(push.error).toBe("DeployNotStarted");
    expect(cycle.steps.at(-1)?.state).toBe("Cycled");
  });
});
