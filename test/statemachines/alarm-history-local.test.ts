import { afterAll, describe, expect, it } from "vitest";
import { readLock } from "../../functions/aws/lock/deploy-lock.js";
import { closeLocalDynamo } from "../../local/dynamo-session.js";
import { createLocalFleet, runLocalDeploy } from "../../local/scenario.js";
import { fleetState, watchFleet } from "../../local/watch.js";

const strategy = { batches: ["50%"], bakeSeconds: 60, pollSeconds: 15 };
const gates = { alarms: ["hello-prod-5xx"] };

afterAll(() => closeLocalDynamo());

describe("deploy state machine, alarms watched for the whole batch", () => {
  it("rolls back when an alarm went to ALARM and back to OK between two gates, naming the alarm and the times", async () => {
    const fleet = createLocalFleet({ instances: 4, app: "flapone" });
    fleet.cloud.setAlarm("hello-prod-5xx", "OK");
    const watch = watchFleet(fleet);
    let baking = false;
    let ticks = 0;
    let flappedAt = "";

    const record = await runLocalDeploy(fleet, fleet.deployInput("v2", { strategy, gates }), {
      ...watch,
      onEvent: (event) => {
        watch.onEvent(event);
        if (event.kind === "exited" && event.step.state === "Retire old instances") baking = true;
      },
      // During the first bake, between the gate on the new instances and the one after the bake.
      onTick: () => {
        watch.onTick();
        if (!baking) return;
        ticks++;
        if (ticks === 2) {
          fleet.cloud.setAlarm("hello-prod-5xx", "ALARM", "Threshold Crossed: 1 datapoint [9.0] was greater than the threshold (5.0).");
          flappedAt = new Date(fleet.clock.now()).toISOString();
        }
        if (ticks === 4) fleet.cloud.setAlarm("hello-prod-5xx", "OK");
      },
    });

    expect(flappedAt).not.toBe("");
    expect(record.error).toBe("DeployRolledBack");
    expect(record.cause).toMatch(/failed in batch 1 of 2 and was rolled back to v1/);
    expect(record.cause).toContain(`AlarmGateFailedError: Batch 1 of 2, after bake: alarm hello-prod-5xx went to ALARM at ${flappedAt} and back to OK at`);
    const failedGate = record.steps.find((step) => step.state === "Check after bake" && (step.output as { progress: { failed?: unknown } }).progress.failed);
    const evidence = (failedGate?.output as { progress: { evidence: { alarms: unknown[]; alarmHistory: { since: string; transitions: unknown[] } } } }).progress
      .evidence;
    expect(evidence.alarms).toEqual([{ name: "hello-prod-5xx", state: "OK" }]);
    expect(evidence.alarmHistory.transitions).toEqual([
      expect.objectContaining({ name: "hello-prod-5xx", from: "OK", to: "ALARM", at: flappedAt }),
      expect.objectContaining({ name: "hello-prod-5xx", from: "ALARM", to: "OK" }),
    ]);
    const end = fleetState(fleet);
    expect(end.releases).toEqual(Array(4).fill("v1:InService"));
    expect(end.desired).toBe(4);
    expect(end.suspended).toEqual([]);
    expect(watch.minServing()).toBeGreaterThanOrEqual(4);
    expect((await readLock("flapone", "prod"))?.holder).toBeUndefined();
  });

  it("passes when the alarm flapped before the batch began", async () => {
    const fleet = createLocalFleet({ instances: 4, app: "flaptwo" });
    fleet.cloud.setAlarm("hello-prod-5xx", "ALARM");
    await fleet.clock.sleep(60_000);
    fleet.cloud.setAlarm("hello-prod-5xx", "OK");

    const record = await runLocalDeploy(fleet, fleet.deployInput("v2", { strategy, gates }));

    expect(record.status).toBe("SUCCEEDED");
    expect(fleetState(fleet).releases).toEqual(Array(4).fill("v2:InService"));
  });
});
