import { describe, expect, it } from "vitest";
import { enterStandby } from "../../functions/aws/rollout/group-actions.js";
import { readGroup } from "../../functions/aws/rollout/group.js";
import { provideRuntime } from "../../functions/aws/runtime.js";
import { createLocalRuntime } from "../../local/runtime.js";
import { deployHandlers, type LambdaHandler } from "../../local/handlers.js";
import { createLocalFleet, runLocalDeploy } from "../../local/scenario.js";
import { breakBatch, fleetState, watchFleet } from "../../local/watch.js";

const strategy = { batches: ["25%"], bakeSeconds: 60, pollSeconds: 15 };
const v1Fleet = (count: number) => Array.from({ length: count }, () => "v1:InService");
const v2Fleet = (count: number) => Array.from({ length: count }, () => "v2:InService");

describe("deploy state machine, run locally", () => {
  it("rolls v2 across a 12-instance group in 4 batches without dropping below the floor", async () => {
    const fleet = createLocalFleet({ instances: 12 });
    const watch = watchFleet(fleet);

    const record = await runLocalDeploy(fleet, fleet.deployInput("v2", { strategy }), watch);

    expect(record.status).toBe("SUCCEEDED");
    const end = fleetState(fleet);
    expect(end.releases).toEqual(v2Fleet(12));
    expect(end.desired).toBe(12);
    expect(end.suspended).toEqual([]);
    expect(watch.minServing()).toBeGreaterThanOrEqual(12);
    expect(watch.observations()).toBeGreaterThan(100);
    expect(watch.launched.size).toBe(24);
    const batches = record.steps.filter((step) => step.state === "Launch batch");
    expect(batches).toHaveLength(4);
    const group = await readGroup(fleet.groupName);
    expect(group.tags["gantry:release"]).toBe("v2");
  });

  it("rolls back when the first batch fails its health gate, leaving the group as it started", async () => {
    const fleet = createLocalFleet({ instances: 12 });
    const before = fleetState(fleet);
    fleet.cloud.setReleaseHealth("v3", "unhealthy");
    const watch = watchFleet(fleet);

    const record = await runLocalDeploy(fleet, fleet.deployInput("v3", { strategy }), watch);

    expect(record.status).toBe("FAILED");
    expect(record.error).toBe("DeployRolledBack");
    expect(record.cause).toMatch(/failed in batch 1 of 4 and was rolled back to v1/);
    expect(record.cause).toMatch(/HealthGateFailedError: .*unhealthy in target group hello-prod-1/);
    expect(record.cause).toMatch(/Fleet now: desired 12, 12 on v1 in service, 12 serving/);
    expect(fleetState(fleet)).toEqual(before);
    expect(watch.minServing()).toBeGreaterThanOrEqual(12);
    const group = await readGroup(fleet.groupName);
    expect(group.tags["gantry:release"]).toBe("v1");
  });

  it("rolls back from the last batch: old instances leave Standby, every new one is removed", async () => {
    const fleet = createLocalFleet({ instances: 12 });
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

    expect(record.status).toBe("FAILED");
    expect(record.error).toBe("DeployRolledBack");
    expect(record.cause).toMatch(/failed in batch 4 of 4 and was rolled back to v1/);
    expect(fleetState(fleet)).toEqual(before);
    expect(watch.minServing()).toBeGreaterThanOrEqual(12);
  });

  it("retries a throttled step and a Lambda failure after the step acted, launching each batch once", async () => {
    const fleet = createLocalFleet({ instances: 12 });
    fleet.cloud.failNext("SetDesiredCapacity", "Throttling", 1);
    let crashed = false;
    const launchBatch = deployHandlers.LaunchBatchFunctionArn as LambdaHandler;
    const crashingAfterActing: LambdaHandler = async (event, context) => {
      const result = await launchBatch(event, context);
      if (!crashed && (result as { batch: number }).batch === 1) {
        crashed = true;
        throw Object.assign(new Error("Lambda was unable to return the result"), { name: "Lambda.ServiceException" });
      }
      return result;
    };
    const watch = watchFleet(fleet);
    const retried: string[] = [];

    const record = await runLocalDeploy(fleet, fleet.deployInput("v2", { strategy }), {
      ...watch,
      handlers: { ...deployHandlers, LaunchBatchFunctionArn: crashingAfterActing },
      onEvent: (event) => {
        watch.onEvent(event);
        if (event.kind === "retried") retried.push(event.state);
      },
    });

    expect(record.status).toBe("SUCCEEDED");
    expect(retried).toEqual(["Launch batch", "Launch batch"]);
    expect(crashed).toBe(true);
    expect(watch.launched.size).toBe(24);
    expect(fleetState(fleet).releases).toEqual(v2Fleet(12));
  });

  it("adopts instances the group launches by itself mid-deploy", async () => {
    const fleet = createLocalFleet({ instances: 12, maxSize: 20 });
    const watch = watchFleet(fleet);
    let scaled = false;

    const record = await runLocalDeploy(fleet, fleet.deployInput("v2", { strategy }), {
      ...watch,
      onEvent: (event) => {
        watch.onEvent(event);
        if (!scaled && event.kind === "exited" && event.step.state === "Retire old instances") {
          scaled = true;
          const desired = fleet.cloud.snapshot(fleet.groupName).desiredCapacity;
          fleet.cloud.scaleBySelf(fleet.groupName, desired + 2);
        }
      },
    });

    expect(record.status).toBe("SUCCEEDED");
    const end = fleetState(fleet);
    expect(end.releases).toEqual(v2Fleet(14));
    expect(end.desired).toBe(14);
    expect(watch.minServing()).toBeGreaterThanOrEqual(12);
  });

  it("previews a dry run without changing anything", async () => {
    const fleet = createLocalFleet({ instances: 12 });
    const before = fleetState(fleet);
    fleet.cloud.resetCalls();

    const record = await runLocalDeploy(fleet, fleet.deployInput("v2", { strategy, dryRun: true }));

    expect(record.status).toBe("SUCCEEDED");
    const output = record.output as { plan: { batchSizes: number[]; preview: { byZone: Record<string, number>; instanceIds: string[] }[] } };
    expect(output.plan.batchSizes).toEqual([3, 3, 3, 3]);
    expect(output.plan.preview).toHaveLength(4);
    expect(output.plan.preview[0]?.byZone).toEqual({ "eu-west-1a": 1, "eu-west-1b": 1, "eu-west-1c": 1 });
    expect(output.plan.preview.flatMap((batch) => batch.instanceIds).sort()).toEqual(before.ids);
    const commands = Object.keys(fleet.cloud.calls.byCommand);
    expect(commands.filter((command) => !/^(Describe|Get)/.test(command))).toEqual([]);
    expect(fleetState(fleet)).toEqual(before);
  });

  it("fails before touching anything when MaxSize leaves no room for the surge", async () => {
    const fleet = createLocalFleet({ instances: 12, maxSize: 13 });
    fleet.cloud.resetCalls();

    const record = await runLocalDeploy(fleet, fleet.deployInput("v2", { strategy }));

    expect(record.status).toBe("FAILED");
    expect(record.error).toBe("MaxSizeTooSmallError");
    expect(record.cause).toMatch(/raise MaxSize to at least 15 or use smaller batches/);
    expect(Object.keys(fleet.cloud.calls.byCommand).filter((command) => !/^(Describe|Get)/.test(command))).toEqual([]);
  });

  it("fails with the group's name when the group does not exist", async () => {
    const fleet = createLocalFleet({ instances: 2 });
    const input = fleet.deployInput("v2");

    const record = await runLocalDeploy(fleet, { ...input, group: { ...input.group, autoScalingGroupName: "no-such-group" } });

    expect(record.status).toBe("FAILED");
    expect(record.error).toBe("GroupNotFoundError");
    expect(record.cause).toMatch(/"no-such-group" was not found/);
  });

  it("skips instances already on the release and succeeds at once when all are", async () => {
    const fleet = createLocalFleet({ instances: 4, release: "v2" });

    const record = await runLocalDeploy(fleet, fleet.deployInput("v2", { strategy }));

    expect(record.status).toBe("SUCCEEDED");
    expect(record.steps.map((step) => step.state)).toContain("Already on release");
    expect(fleetState(fleet).releases).toEqual(v2Fleet(4));
  });

  it("retires by termination and relaunches the previous release on rollback", async () => {
    const fleet = createLocalFleet({ instances: 8 });
    const watch = watchFleet(fleet);
    const terminate = { ...strategy, retire: "terminate" as const };
    const deployed = await runLocalDeploy(fleet, fleet.deployInput("v2", { strategy: terminate }), watch);
    expect(deployed.status).toBe("SUCCEEDED");
    expect(fleetState(fleet).releases).toEqual(v2Fleet(8));

    const breakSecond = breakBatch(fleet, 2);
    const record = await runLocalDeploy(fleet, fleet.deployInput("v3", { strategy: terminate }), {
      ...watch,
      onEvent: (event) => {
        watch.onEvent(event);
        breakSecond(event);
      },
    });

    expect(record.status).toBe("FAILED");
    expect(record.cause).toMatch(/failed in batch 2 of 4 and was rolled back to v2/);
    const end = fleetState(fleet);
    expect(end.releases).toEqual(v2Fleet(8));
    expect(end.desired).toBe(8);
    expect(watch.minServing()).toBeGreaterThanOrEqual(8);
  });

  it("points the group at a new launch template version for imageId and restores it on rollback", async () => {
    const fleet = createLocalFleet({ instances: 4 });
    const good = await runLocalDeploy(fleet, fleet.deployInput("v2", { strategy, release: { id: "v2", imageId: "ami-0aaaaaaaaaaaaaaa2" } }));
    expect(good.status).toBe("SUCCEEDED");
    const afterGood = await readGroup(fleet.groupName);
    expect(afterGood.launchTemplate?.version).toBe("2");
    expect(fleet.cloud.snapshot(fleet.groupName).instances.map((instance) => instance.imageId)).toEqual(Array(4).fill("ami-0aaaaaaaaaaaaaaa2"));

    fleet.cloud.setReleaseHealth("v3", "unhealthy");
    const bad = await runLocalDeploy(fleet, fleet.deployInput("v3", { strategy, release: { id: "v3", imageId: "ami-0aaaaaaaaaaaaaaa3" } }));

    expect(bad.error).toBe("DeployRolledBack");
    const afterBad = await readGroup(fleet.groupName);
    expect(afterBad.launchTemplate?.version).toBe("2");
    expect(afterBad.tags["gantry:release"]).toBe("v2");
  });

  it("fails the gate on an alarm and says which one", async () => {
    const fleet = createLocalFleet({ instances: 4 });
    fleet.cloud.setAlarm("hello-prod-5xx", "OK");
    let launched = false;

    const record = await runLocalDeploy(fleet, fleet.deployInput("v2", { strategy, gates: { alarms: ["hello-prod-5xx"] } }), {
      onEvent: (event) => {
        if (!launched && event.kind === "exited" && event.step.state === "Launch batch") {
          launched = true;
          fleet.cloud.setAlarm("hello-prod-5xx", "ALARM");
        }
      },
    });

    expect(record.error).toBe("DeployRolledBack");
    expect(record.cause).toMatch(/AlarmGateFailedError: .*alarm hello-prod-5xx is in ALARM/);
    expect(fleetState(fleet).releases).toEqual(v1Fleet(4));
  });

  it("checks the app's /health and /version on the new instances and keeps the evidence", async () => {
    const fleet = createLocalFleet({ instances: 4 });

    const record = await runLocalDeploy(fleet, fleet.deployInput("v2", { strategy, gates: { http: { port: 8080, versionPath: "/version" }, alarms: [] } }));

    expect(record.status).toBe("SUCCEEDED");
    const evidence = record.steps.filter((step) => step.state === "Check new instances").at(-1)?.output as {
      progress: { evidence: { http: { checked: number; passed: number } } };
    };
    expect(evidence.progress.evidence.http.checked).toBeGreaterThan(0);
    expect(evidence.progress.evidence.http.passed).toBe(evidence.progress.evidence.http.checked);
  });

  it("rolls back when the app reports another version, keeping the failed gate's evidence", async () => {
    const fleet = createLocalFleet({ instances: 4 });
    provideRuntime(
      createLocalRuntime({
        cloud: fleet.cloud,
        httpTransport: async (_instance, _port, path) => (path === "/version" ? { status: 200, body: '{"release":"v1"}' } : { status: 200, body: "ok" }),
      }),
    );

    const record = await runLocalDeploy(fleet, fleet.deployInput("v2", { strategy, gates: { http: { port: 8080, versionPath: "/version" }, alarms: [] } }));

    expect(record.error).toBe("DeployRolledBack");
    expect(record.cause).toMatch(/HttpGateFailedError: Batch 1 of 4: instance i-\w+: version endpoint reports "v1", expected "v2"/);
    const failedCheck = record.steps.find(
      (step) => step.state === "Check new instances" && (step.output as { progress: { failed?: unknown } }).progress.failed,
    );
    const evidence = (failedCheck?.output as { progress: { evidence: { http: { checked: number; passed: number; failures: unknown[] } } } }).progress.evidence;
    expect(evidence.http).toMatchObject({ checked: 1, passed: 0 });
    expect(fleetState(fleet).releases).toEqual(v1Fleet(4));
  });

  it("resumes the suspended processes and says what a person must do when the rollback itself fails", async () => {
    // Its own app/env: the rollout stays recorded as unfinished, and the next deploy is told to recover it.
    const fleet = createLocalFleet({ app: "stuck", instances: 12 });
    const breakThird = breakBatch(fleet, 3);
    // ExitStandby refused for good: the rollback cannot bring the old instances back.
    fleet.cloud.failNext("ExitStandby", "ValidationError", 100);

    const record = await runLocalDeploy(fleet, fleet.deployInput("v2", { strategy }), { onEvent: breakThird });

    expect(record.status).toBe("FAILED");
    expect(record.error).toBe("RollbackFailed");
    expect(record.cause).toMatch(/^Rollback of v2 on stuck-prod failed: ValidationError: .* It was rolling back after HealthGateFailedError: Batch 3 of 4/);
    expect(record.cause).toMatch(/Scaling processes resumed \(AZRebalance\)/);
    expect(record.cause).toMatch(
      /To finish by hand: return the old instances to service: aws autoscaling exit-standby --auto-scaling-group-name stuck-prod --instance-ids i-/,
    );
    expect(record.cause).not.toMatch(/MaxSize/);
    const end = fleetState(fleet);
    expect(end.suspended).toEqual([]);
    expect(end.maxSize).toBe(15);
    // The batch's broken instances were being removed before the rollback stopped.
    expect(end.releases.filter((release) => release === "v2:InService")).toHaveLength(6);
    expect(end.releases.filter((release) => release === "v2:Terminating")).toHaveLength(3);
    const next = await runLocalDeploy(fleet, fleet.deployInput("v3", { strategy }));
    expect(next.cause).toContain("Run `gantry recover stuck prod`");
  });

  it("brings back and removes a new instance someone parks in Standby as the rollback starts: the group ends as it started", async () => {
    const fleet = createLocalFleet({ instances: 4 });
    fleet.cloud.setAlarm("hello-prod-5xx", "OK");
    const rollBack = deployHandlers.RollBackFunctionArn as LambdaHandler;
    let parked: string | undefined;
    // Someone parks a new instance in Standby as the rollback starts. The rollback does not describe
    // parked instances (its reads follow the fleet in service), so it counts it as old, brings it back,
    // then sees it on v2 and removes it.
    const parkingOne: LambdaHandler = async (event, context) => {
      if (parked === undefined) {
        const group = await readGroup(fleet.groupName);
        parked = group.instances.find((instance) => instance.release === "v2" && instance.lifecycleState === "InService")?.id;
        if (parked) await enterStandby(fleet.groupName, [parked]);
      }
      return rollBack(event, context);
    };

    const record = await runLocalDeploy(fleet, fleet.deployInput("v2", { strategy, gates: { alarms: ["hello-prod-5xx"] } }), {
      handlers: { ...deployHandlers, RollBackFunctionArn: parkingOne },
      onEvent: (event) => {
        if (event.kind === "exited" && event.step.state === "Retire old instances") fleet.cloud.setAlarm("hello-prod-5xx", "ALARM");
      },
    });

    expect(parked).toMatch(/^i-/);
    expect(record.error).toBe("DeployRolledBack");
    const end = fleetState(fleet);
    expect(end.releases).toEqual(v1Fleet(4));
    expect(fleet.cloud.snapshot(fleet.groupName).instances.map((instance) => instance.instanceId)).not.toContain(parked);
  });

  it("fails before touching anything when a target group does not exist", async () => {
    const fleet = createLocalFleet({ instances: 4 });
    const input = fleet.deployInput("v2");
    const missing = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/gone/0000000000000009";
    fleet.cloud.resetCalls();

    const record = await runLocalDeploy(fleet, { ...input, group: { ...input.group, targetGroupArns: [missing] } });

    expect(record.error).toBe("TargetGroupNotFoundError");
    expect(record.cause).toContain(missing);
    expect(Object.keys(fleet.cloud.calls.byCommand).filter((command) => !/^(Describe|Get)/.test(command))).toEqual([]);
  });

  it("marks the release on a group with no instances (stopped by a schedule), so its next start boots it", async () => {
    const fleet = createLocalFleet({ instances: 0, minSize: 0, maxSize: 4 });

    const record = await runLocalDeploy(fleet, fleet.deployInput("v2", { strategy }));

    expect(record.status).toBe("SUCCEEDED");
    expect(record.steps.at(-1)?.state).toBe("Release marked");
    expect((await readGroup(fleet.groupName)).tags["gantry:release"]).toBe("v2");
    const outcome = (record.output as { outcome: { status: string; summary: string } }).outcome;
    expect(outcome.status).toBe("deployed");
    expect(outcome.summary).toBe(
      "hello-prod has no instances (stopped by a schedule, or scaled to zero): nothing was replaced; release v2 is marked on the group, so its next start boots v2",
    );
    expect(fleetState(fleet).suspended).toEqual([]);

    fleet.cloud.scaleBySelf(fleet.groupName, 2);

    expect(fleetState(fleet).releases.map((entry) => entry.split(":")[0])).toEqual(["v2", "v2"]);
  });

  it("still ends as already on release, changing nothing, when the group is marked and runs the release", async () => {
    const fleet = createLocalFleet({ instances: 2 });
    fleet.cloud.resetCalls();

    const record = await runLocalDeploy(fleet, fleet.deployInput("v1", { strategy }));

    expect(record.steps.at(-1)?.state).toBe("Already on release");
    expect(Object.keys(fleet.cloud.calls.byCommand).filter((command) => !/^(Describe|Get)/.test(command))).toEqual([]);
  });

  it("finishes by detaching the parked old instances and terminating them in bulk, desired capacity exactly as before", async () => {
    const fleet = createLocalFleet({ instances: 45, maxSize: 70 });
    const before = fleetState(fleet);
    fleet.cloud.resetCalls();

    const record = await runLocalDeploy(fleet, fleet.deployInput("v2", { strategy: { batches: ["50%"], bakeSeconds: 60, pollSeconds: 15 } }));

    expect(record.cause).toBeUndefined();
    expect(record.status).toBe("SUCCEEDED");
    const end = fleetState(fleet);
    expect(end.desired).toBe(before.desired);
    expect(end.maxSize).toBe(before.maxSize);
    expect(end.suspended).toEqual(before.suspended);
    expect(end.releases).toEqual(v2Fleet(45));
    expect(end.ids.filter((id) => before.ids.includes(id))).toEqual([]);
    const calls = fleet.cloud.calls.byCommand;
    // 45 parked instances: three detaches of at most 20, one termination of all 45, none one by one.
    expect(calls.DetachInstances).toBe(3);
    expect(calls.TerminateInstances).toBe(1);
    expect(calls).not.toHaveProperty("TerminateInstanceInAutoScalingGroup");
  });
});
