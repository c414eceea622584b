import { describe, expect, it } from "vitest";
import { readLock } from "../../functions/aws/lock/deploy-lock.js";
import { findRelease } from "../../functions/aws/releases/release-history.js";
import { readUnfinishedRollout } from "../../functions/aws/rollout/unfinished.js";
import type { DeployStart } from "../../functions/aws/executions/executions.js";
import type { ExecutionEvent, ExecutionRecord } from "../../functions/core/executions/execution-record.js";
import { handler as startRecovery } from "../../functions/start-recovery/handler.js";
import { createLocalFleet, runLocalDeploy, type LocalFleet } from "../../local/scenario.js";
import { fleetState, watchFleet } from "../../local/watch.js";
import { memoryRequests } from "./memory-requests.js";

const strategy = { batches: ["25%"], bakeSeconds: 60, pollSeconds: 15 };

/** Stops the run (as a console Stop, or the timeout) once it has entered `state` for the `nth` time. */
function stopAt(state: string, nth: number, reason: "ABORTED" | "TIMED_OUT" = "ABORTED") {
  const controller = new AbortController();
  let seen = 0;
  const onEvent = (event: ExecutionEvent) => {
    if (event.kind === "entered" && event.step.state === state && ++seen === nth) controller.abort(reason);
  };
  return { signal: controller.signal, onEvent };
}

/** The EventBridge event Step Functions sends when an execution ends. */
function statusChange(record: ExecutionRecord) {
  return {
    "detail-type": "Step Functions Execution Status Change",
    source: "aws.states",
    detail: { name: record.name, status: record.status, input: JSON.stringify(record.input), error: record.error ?? null },
  };
}

/** A fleet whose deploy starter runs what the rule's function starts, as the deploy machine would. */
function fleetWithStarter(app: string, instances: number) {
  const started: DeployStart[] = [];
  const fleet: LocalFleet = createLocalFleet({
    app,
    instances,
    runtime: {
      deployStateMachineArn: "arn:aws:states:eu-west-1:123456789012:stateMachine:gantry-deploy",
      startDeploy: async (start) => {
        started.push(start);
        return { executionArn: `arn:aws:states:eu-west-1:123456789012:execution:gantry-deploy:${start.name}`, alreadyHandled: started.length > 1 };
      },
    },
  });
  return { fleet, started };
}

describe("recovery from an ending no Catch sees, on the deploy definition run locally", () => {
  it("a console Stop mid-batch leaves Standby instances and the lock; the rule's recovery restores the group and frees the lock", async () => {
    const { fleet, started } = fleetWithStarter("stopped", 8);
    const before = fleetState(fleet);
    const name = "stopped-prod-v2-console-stop";
    const stop = stopAt("Bake", 2);

    const stopped = await runLocalDeploy(fleet, fleet.deployInput("v2", { strategy }), { name, ...stop });

    expect(stopped.status).toBe("ABORTED");
    const left = fleetState(fleet);
    expect(left.releases.filter((release) => /^v1:(Entering)?Standby$/.test(release))).toHaveLength(4);
    expect(left.releases.filter((release) => release === "v2:InService")).toHaveLength(4);
    expect(left.suspended).toContain("AZRebalance");
    expect((await readLock("stopped", "prod", fleet.clock.now()))?.holder?.holder).toBe(name);
    expect(await readUnfinishedRollout("stopped", "prod")).toMatchObject({
      execution: name,
      stage: "rollout",
      group: { autoScalingGroupName: fleet.groupName },
    });

    // The rule's function, given the event Step Functions sends, starts one recovery run.
    const answer = (await startRecovery(statusChange(stopped), {} as never)) as { started: boolean; summary: string };
    expect(answer.started).toBe(true);
    expect(started).toHaveLength(1);
    const start = started[0] as DeployStart;
    expect(start.name).toBe(`recover-${name}`);
    expect(start.input).toMatchObject({ mode: "recover", recover: { execution: name, status: "ABORTED" } });
    // The same event again starts nothing new.
    await startRecovery(statusChange(stopped), {} as never);
    expect(started).toHaveLength(2);

    const watch = watchFleet(fleet);
    const recovered = await runLocalDeploy(fleet, start.input, { name: start.name, onEvent: watch.onEvent, onTick: watch.onTick, tickMs: watch.tickMs });

    expect(recovered.status).toBe("SUCCEEDED");
    expect(recovered.steps.at(-1)?.state).toBe("Recovered");
    const after = fleetState(fleet);
    expect(after).toEqual({ ...before, ids: after.ids });
    expect(after.ids.filter((id) => before.ids.includes(id))).toHaveLength(8);
    expect(watch.minServing()).toBeGreaterThanOrEqual(8);
    expect(watch.launched.size).toBe(8 + 4);
    expect((await readLock("stopped", "prod", fleet.clock.now()))?.holder).toBeUndefined();
    expect(await readUnfinishedRollout("stopped", "prod")).toBeUndefined();
    const v1 = await findRelease("stopped", "prod", 1);
    expect(v1).toMatchObject({ releaseId: "v2", status: "rolled back" });
    expect(v1.cause).toMatch(/^Recovered stopped\/prod after execution stopped-prod-v2-console-stop \(v1 \(v2\)\) ended ABORTED: rolled back to v1/);

    // The group takes the next deploy as any other.
    const next = await runLocalDeploy(fleet, fleet.deployInput("v3", { strategy }), { name: "stopped-prod-v3" });
    expect(next.status).toBe("SUCCEEDED");
  });

  it("a deploy that finds the unfinished rollout refuses before changing anything and names gantry recover", async () => {
    const { fleet } = fleetWithStarter("found", 4);
    const name = "found-prod-v2-stopped";
    await runLocalDeploy(fleet, fleet.deployInput("v2", { strategy: { ...strategy, batches: ["50%"] } }), { name, ...stopAt("Bake", 1) });
    const { ids, desired, maxSize, suspended } = fleetState(fleet);

    const next = await runLocalDeploy(fleet, fleet.deployInput("v3", { strategy }), { name: "found-prod-v3" });

    expect(next.status).toBe("FAILED");
    expect(next.cause).toContain(`The rollout of v1 (v2) to found/prod by execution ${name} was left unfinished mid-rollout`);
    expect(next.cause).toContain("Run `gantry recover found prod`");
    expect(fleetState(fleet)).toMatchObject({ ids, desired, maxSize, suspended });
  });

  it("a timeout during the rollback window: the recovery finishes the rollout forward, old instances gone, v2 kept", async () => {
    const { fleet, started } = fleetWithStarter("timeout", 4);
    const name = "timeout-prod-v2-timed-out";
    const kept = { ...strategy, batches: ["50%"], keepOldFor: "30m" };

    const timedOut = await runLocalDeploy(fleet, fleet.deployInput("v2", { strategy: kept }), { name, ...stopAt("Wait for terminations", 3, "TIMED_OUT") });

    expect(timedOut.status).toBe("TIMED_OUT");
    expect(fleetState(fleet).releases.filter((release) => release === "v1:Standby")).toHaveLength(4);
    expect((await readUnfinishedRollout("timeout", "prod"))?.stage).toBe("finish");

    await startRecovery(statusChange(timedOut), {} as never);
    const start = started[0] as DeployStart;
    const recovered = await runLocalDeploy(fleet, start.input, { name: start.name });

    expect(recovered, recovered.cause).toMatchObject({ status: "SUCCEEDED" });
    expect(recovered.steps.at(-1)?.state).toBe("Recovered");
    const after = fleetState(fleet);
    expect(after.releases).toEqual(Array.from({ length: 4 }, () => "v2:InService"));
    expect(after.suspended).toEqual([]);
    expect(after.desired).toBe(4);
    expect((await readLock("timeout", "prod", fleet.clock.now()))?.holder).toBeUndefined();
    expect(await findRelease("timeout", "prod", 1)).toMatchObject({ releaseId: "v2", status: "deployed" });
  });

  it("a rollback asked for in the window after success, stopped half-way: the recovery finishes going back, not forward", async () => {
    const requests = memoryRequests();
    const fleet = createLocalFleet({ app: "windowstop", instances: 4, runtime: { operatorRequests: requests.store } });
    const before = fleetState(fleet);
    const name = "windowstop-prod-v2-stopped";
    const controller = new AbortController();
    let passes = 0;
    const onEvent = (event: ExecutionEvent) => {
      if (event.kind === "exited" && event.step.state === "Finish rollout" && ++passes === 2)
        requests.file("windowstop", "prod", { kind: "rollback", execution: name, by: "ana", at: fleet.clock.now() });
      if (event.kind === "entered" && event.step.state === "Wait for rollback") controller.abort("ABORTED");
    };
    const kept = { ...strategy, batches: ["50%"], keepOldFor: "30m" };

    const stopped = await runLocalDeploy(fleet, fleet.deployInput("v2", { strategy: kept }), { name, onEvent, signal: controller.signal });

    expect(stopped.status).toBe("ABORTED");
    expect((await readUnfinishedRollout("windowstop", "prod"))?.stage).toBe("rollout");
    const input = {
      ...fleet.deployInput("unused", { strategy: kept }),
      release: undefined,
      mode: "recover" as const,
      recover: { execution: name, status: "ABORTED" as const },
    };
    const recovered = await runLocalDeploy(fleet, input, { name: `recover-${name}` });

    expect(recovered.status).toBe("SUCCEEDED");
    expect(fleetState(fleet)).toEqual({ ...before, ids: fleetState(fleet).ids });
    expect(fleetState(fleet).ids.filter((id) => before.ids.includes(id))).toHaveLength(4);
  });

  it("an execution whose own rollback ended cleanly starts no recovery; a recovery run for it changes nothing", async () => {
    const { fleet, started } = fleetWithStarter("clean", 4);
    const name = "clean-prod-v2-rolled-back";
    fleet.cloud.setReleaseHealth("v2", "unhealthy");
    const failed = await runLocalDeploy(fleet, fleet.deployInput("v2", { strategy: { ...strategy, healthTimeoutSeconds: 120 } }), { name });
    expect(failed.error).toBe("DeployRolledBack");
    const before = fleetState(fleet);

    const answer = (await startRecovery(statusChange(failed), {} as never)) as { started: boolean; summary: string };
    expect(answer).toMatchObject({ started: false, summary: `${name} ended FAILED: it left no unfinished rollout (its own rollback or finish ended it)` });
    expect(started).toHaveLength(0);

    const input = { ...fleet.deployInput("unused"), release: undefined, mode: "recover" as const, recover: { execution: name, status: "FAILED" as const } };
    const nothing = await runLocalDeploy(fleet, input, { name: `recover-${name}` });
    expect(nothing, nothing.cause).toMatchObject({ status: "SUCCEEDED" });
    expect(nothing.steps.at(-1)?.state).toBe("Nothing to recover");
    expect(fleetState(fleet)).toEqual(before);
    expect((await readLock("clean", "prod", fleet.clock.now()))?.holder).toBeUndefined();
  });

  it.each([
    [2, "its first batch out of service, still on v1", 0],
    [6, "its first batch on v2, not yet back in service", 2],
  ])("an in-place deploy stopped at wait %i (%s): the same eight instances all serve v1 again", async (nth, _when, onV2) => {
    const app = `inplacestop${nth}`;
    const fleet = createLocalFleet({ app, instances: 8, maxSize: 8 });
    const before = fleetState(fleet);
    const inPlace = { mode: "in-place" as const, batches: ["25%"], minHealthyPercent: 75, bakeSeconds: 30, pollSeconds: 5 };
    const name = `${app}-prod-v2-stopped`;

    const stopped = await runLocalDeploy(fleet, fleet.deployInput("v2", { strategy: inPlace }), { name, ...stopAt("Wait in place", nth) });

    expect(stopped.status).toBe("ABORTED");
    const left = fleetState(fleet);
    expect(left.releases.filter((release) => release.startsWith("v2:"))).toHaveLength(onV2);
    expect(left.serving).toBe(6);
    const input = {
      ...fleet.deployInput("unused", { strategy: inPlace }),
      release: undefined,
      mode: "recover" as const,
      recover: { execution: name, status: "ABORTED" as const },
    };
    const watch = watchFleet(fleet);
    const recovered = await runLocalDeploy(fleet, input, { name: `recover-${name}`, onEvent: watch.onEvent });

    expect(recovered.status).toBe("SUCCEEDED");
    expect(fleetState(fleet)).toEqual(before);
    expect(watch.minServing()).toBeGreaterThanOrEqual(6);
    expect((await readLock(app, "prod", fleet.clock.now()))?.holder).toBeUndefined();
  });
});
