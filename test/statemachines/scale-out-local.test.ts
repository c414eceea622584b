import { afterAll, describe, expect, it } from "vitest";
import { readLock } from "../../functions/aws/lock/deploy-lock.js";
import { closeLocalDynamo } from "../../local/dynamo-session.js";
import { createLocalFleet, runLocalDeploy, type LocalFleet } from "../../local/scenario.js";
import type { ExecutionEvent } from "../../functions/core/executions/execution-record.js";
import { breakBatch, fleetState, watchFleet } from "../../local/watch.js";

// Four instances replaced one at a time; MaxSize 5 leaves room for exactly one surge instance.
const strategy = { batches: [1], bakeSeconds: 60, pollSeconds: 15 };

afterAll(() => closeLocalDynamo());

/** The group scales 4 → 5 by itself during the first bake, as a scaling policy would. */
function scaleOutInFirstBake(fleet: LocalFleet): (event: ExecutionEvent) => void {
  let scaled = false;
  return (event) => {
    if (scaled || event.kind !== "exited" || event.step.state !== "Retire old instances") return;
    scaled = true;
    fleet.cloud.scaleBySelf(fleet.groupName, fleet.cloud.snapshot(fleet.groupName).desiredCapacity + 1);
  };
}

describe("deploy state machine, a group that scales out during the deploy", () => {
  it("raises MaxSize for the surge when a scale-out leaves no headroom, keeps the scaled size and puts MaxSize back", async () => {
    const fleet = createLocalFleet({ instances: 4, maxSize: 5, app: "scaleone" });
    const watch = watchFleet(fleet);
    const scaleOut = scaleOutInFirstBake(fleet);

    const record = await runLocalDeploy(fleet, fleet.deployInput("v2", { strategy }), {
      ...watch,
      onEvent: (event) => {
        watch.onEvent(event);
        scaleOut(event);
      },
    });

    expect(record.cause).toBeUndefined();
    expect(record.status).toBe("SUCCEEDED");
    const end = fleetState(fleet);
    expect(end.releases).toEqual(Array(5).fill("v2:InService"));
    expect(end.desired).toBe(5);
    expect(end.maxSize).toBe(5);
    expect(end.suspended).toEqual([]);
    expect(watch.minServing()).toBeGreaterThanOrEqual(4);
    const launches = record.steps
      .filter((step) => step.state === "Launch batch")
      .map((step) => (step.output as { progress: { summary: string } }).progress.summary);
    expect(launches.some((summary) => /MaxSize raised to 6 for the surge/.test(summary))).toBe(true);
    expect((await readLock("scaleone", "prod"))?.holder).toBeUndefined();
  });

  it("rolls back to the size the group scaled to, all on the old release, MaxSize as it was", async () => {
    const fleet = createLocalFleet({ instances: 4, maxSize: 5, app: "scaletwo" });
    const watch = watchFleet(fleet);
    const scaleOut = scaleOutInFirstBake(fleet);
    const breakThird = breakBatch(fleet, 3);

    const record = await runLocalDeploy(fleet, fleet.deployInput("v2", { strategy }), {
      ...watch,
      onEvent: (event) => {
        watch.onEvent(event);
        scaleOut(event);
        breakThird(event);
      },
    });

    expect(record.error).toBe("DeployRolledBack");
    expect(record.cause).toMatch(/failed in batch 3 of 4 and was rolled back to v1/);
    expect(record.cause).toMatch(/Fleet now: desired 5, 5 on v1 in service, 5 serving/);
    const end = fleetState(fleet);
    expect(end.releases).toEqual(Array(5).fill("v1:InService"));
    expect(end.desired).toBe(5);
    expect(end.maxSize).toBe(5);
    expect(end.suspended).toEqual([]);
    expect(watch.minServing()).toBeGreaterThanOrEqual(4);
    expect((await readLock("scaletwo", "prod"))?.holder).toBeUndefined();
  });
});
