import { afterAll, describe, expect, it } from "vitest";
import { readLock } from "../../functions/aws/lock/deploy-lock.js";
import { closeLocalDynamo } from "../../local/dynamo-session.js";
import { createLocalFleet, runLocalDeploy } from "../../local/scenario.js";
import { fleetState, watchFleet } from "../../local/watch.js";

const strategy = { batches: ["50%"], bakeSeconds: 60, pollSeconds: 15, launchTimeoutSeconds: 300 };

/** Auto Scaling's StatusMessage for a launch EC2 refused for capacity. */
const CAPACITY =
  "We currently do not have sufficient t3.micro capacity in the Availability Zone you requested (eu-west-1a). Our system will be working on provisioning additional capacity. Launching EC2 instance failed.";

afterAll(() => closeLocalDynamo());

describe("deploy state machine, a failure explained by what AWS says", () => {
  it("puts the console tail and Target.FailedHealthChecks in the cause and the gate's evidence when a new instance's app never answers", async () => {
    const fleet = createLocalFleet({ instances: 4, app: "evidenceone" });
    const before = new Set(fleetState(fleet).ids);
    const watch = watchFleet(fleet);
    let killed = false;

    const record = await runLocalDeploy(fleet, fleet.deployInput("v2", { strategy }), {
      ...watch,
      onEvent: (event) => {
        watch.onEvent(event);
        if (killed || event.kind !== "exited" || event.step.state !== "Launch batch") return;
        killed = true;
        for (const id of fleetState(fleet).ids.filter((candidate) => !before.has(candidate))) fleet.cloud.killApp(id);
      },
    });

    expect(record.error).toBe("DeployRolledBack");
    expect(record.cause).toMatch(
      /HealthGateFailedError: Batch 1 of 2: instance i-\w+ is unhealthy in target group evidenceone-prod-1 \(Target\.FailedHealthChecks\)/,
    );
    expect(record.cause).toMatch(
      /Console of i-\w+ \(last 4 lines\): \[ {4}0\.000000\] Linux version .* gantry: starting release v2 \| .*app is not listening \(connection refused\)/,
    );
    const failedGate = record.steps.find((step) => step.state === "Check new instances" && (step.output as { progress: { failed?: unknown } }).progress.failed);
    const evidence = (
      failedGate?.output as { progress: { evidence: { targets: { notHealthy: { reason?: string }[] }; failure: { console: { tail: string[] }[] } } } }
    ).progress.evidence;
    expect(evidence.targets.notHealthy[0]?.reason).toBe("Target.FailedHealthChecks");
    expect(evidence.failure.console[0]?.tail.at(-1)).toMatch(/app is not listening/);
    expect(JSON.stringify(failedGate?.output).length).toBeLessThan(20_000);
    const end = fleetState(fleet);
    expect(end.releases).toEqual(Array(4).fill("v1:InService"));
    expect(end.desired).toBe(4);
    expect(end.suspended).toEqual([]);
    expect(watch.minServing()).toBeGreaterThanOrEqual(4);
    expect((await readLock("evidenceone", "prod"))?.holder).toBeUndefined();
  });

  it("puts the failed scaling activity's message in the cause when new instances never reach InService", async () => {
    const fleet = createLocalFleet({ instances: 4, app: "evidencetwo" });
    fleet.cloud.failLaunches(fleet.groupName, 50, CAPACITY);
    const watch = watchFleet(fleet);

    const record = await runLocalDeploy(fleet, fleet.deployInput("v2", { strategy }), watch);

    expect(record.error).toBe("DeployRolledBack");
    expect(record.cause).toMatch(/LaunchTimeoutError: Batch 1 of 2: only 0 of 2 new instances reached InService within launchTimeoutSeconds 300/);
    expect(record.cause).toContain(`Auto Scaling activity Failed at 2026-01-05T`);
    expect(record.cause).toContain(CAPACITY);
    expect(record.cause).toMatch(/Console of i-\w+/);
    expect(record.cause?.length).toBeLessThan(8_000);
    const end = fleetState(fleet);
    expect(end.releases).toEqual(Array(4).fill("v1:InService"));
    expect(end.desired).toBe(4);
    expect(end.suspended).toEqual([]);
    expect(watch.minServing()).toBeGreaterThanOrEqual(4);
    expect((await readLock("evidencetwo", "prod"))?.holder).toBeUndefined();
  });
});
