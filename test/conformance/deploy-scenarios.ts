import { expect, it } from "vitest";
import type { Backend, FinalState, Fleet } from "./backend.js";

/** Scenario names, shared by both sides so the report lines them up. */
export const DEPLOY_SCENARIOS = {
  deploy: "deploys v2 across the group",
  image: "deploys with imageId: a new launch template version",
  terminate: 'deploys with retire: "terminate"',
  alarm: "rolls back when an alarm goes into ALARM",
  unhealthy: "rolls back a release whose instances never get healthy",
  cycle: "cycles instances older than maxAge on the same release",
  inPlace: "deploys v2 in place on the same instances, one batch at a time",
  inPlaceAlarm: "rolls back in place when an alarm goes into ALARM",
} as const;

/** The deploy command line Run Command runs for `release` (strategy.inPlace.command's default). */
const deployLine = (release: string) => `/usr/local/bin/gantry-deploy ${release}`;

/** One batch of one of two instances out at a time: the other keeps serving, half the group. */
function inPlaceStrategy(fleet: Fleet): Fleet["strategy"] {
  return { ...fleet.strategy, mode: "in-place", minHealthyPercent: 50, batches: [1] };
}

/** The group as a finished run must leave it, whatever happened in between. */
function expectSettled(state: FinalState, release: string, desired: number): void {
  expect(state.instances).toEqual(Array.from({ length: desired }, () => `${release}:InService`));
  expect(state.desired).toBe(desired);
  expect(state.suspended).toEqual([]);
  expect(state.lockHolder).toBeUndefined();
}

/**
 * The deploy definition's scenarios, written once for any backend. Each reads the end state
 * back from the cloud: every instance on the expected release and in service (nothing in
 * Standby), desired capacity as at the start, processes resumed, the group's tag and launch
 * template version, the lock free and the release-history row.
 */
export function deployScenarios(backend: Backend, timeout: number): void {
  const fleetOf = (app: string, options: { cycleMaxAgeSeconds?: number } = {}): Promise<Fleet> => backend.createFleet({ app, instances: 2, ...options });

  it(DEPLOY_SCENARIOS.deploy, { timeout }, async () => {
    const fleet = await fleetOf("confdeploy");
    const before = await backend.finalState(fleet);

    const record = await backend.runDeploy(fleet, fleet.deployInput("v2"));

    expect(record.status).toBe("SUCCEEDED");
    const end = await backend.finalState(fleet);
    expectSettled(end, "v2", 2);
    expect(end.groupRelease).toBe("v2");
    expect([end.launchTemplateVersion, end.imageId]).toEqual([before.launchTemplateVersion, fleet.images.v1]);
    expect(end.lastRelease).toEqual({ releaseId: "v2", status: "deployed" });
  });

  it(DEPLOY_SCENARIOS.image, { timeout }, async () => {
    const fleet = await fleetOf("confimage");

    const record = await backend.runDeploy(fleet, fleet.deployInput("v2", { release: { id: "v2", imageId: fleet.images.next } }));

    expect(record.status).toBe("SUCCEEDED");
    const end = await backend.finalState(fleet);
    expectSettled(end, "v2", 2);
    expect([end.launchTemplateVersion, end.imageId]).toEqual(["2", fleet.images.next]);
    expect(end.lastRelease).toEqual({ releaseId: "v2", status: "deployed" });
  });

  it(DEPLOY_SCENARIOS.terminate, { timeout }, async () => {
    const fleet = await fleetOf("confterm");
    const before = await backend.finalState(fleet);

    const record = await backend.runDeploy(fleet, fleet.deployInput("v2", { strategy: { ...fleet.strategy, retire: "terminate" } }));

    expect(record.status).toBe("SUCCEEDED");
    const end = await backend.finalState(fleet);
    expectSettled(end, "v2", 2);
    expect(end.instanceIds.filter((id) => before.instanceIds.includes(id))).toEqual([]);
    expect(end.lastRelease).toEqual({ releaseId: "v2", status: "deployed" });
  });

  it(DEPLOY_SCENARIOS.alarm, { timeout }, async () => {
    const fleet = await fleetOf("confalarm");
    const before = await backend.finalState(fleet);
    let raised = false;

    const record = await backend.runDeploy(fleet, fleet.deployInput("v2", { gates: { alarms: [fleet.alarmName] } }), {
      onExited: (state) => {
        if (raised || state !== "Launch batch") return;
        raised = true;
        void backend.setAlarm(fleet, "ALARM");
      },
    });

    expect(record.error).toBe("DeployRolledBack");
    expect(record.cause).toContain(`alarm ${fleet.alarmName} is in ALARM`);
    const end = await backend.finalState(fleet);
    expectSettled(end, "v1", 2);
    expect(end.instanceIds).toEqual(before.instanceIds);
    expect([end.groupRelease, end.launchTemplateVersion, end.imageId]).toEqual(["v1", before.launchTemplateVersion, fleet.images.v1]);
    expect(end.lastRelease).toEqual({ releaseId: "v2", status: "rolled back" });
  });

  it(DEPLOY_SCENARIOS.unhealthy, { timeout }, async () => {
    const fleet = await fleetOf("confsick");
    const before = await backend.finalState(fleet);
    const breakage = backend.breakRelease(fleet, "v3");

    const record = await backend.runDeploy(fleet, fleet.deployInput("v3")).finally(() => breakage.end());

    expect(record.error).toBe("DeployRolledBack");
    const end = await backend.finalState(fleet);
    expectSettled(end, "v1", 2);
    expect(end.instanceIds).toEqual(before.instanceIds);
    expect([end.groupRelease, end.launchTemplateVersion]).toEqual(["v1", before.launchTemplateVersion]);
    expect(end.lastRelease).toEqual({ releaseId: "v3", status: "rolled back" });
  });

  it(DEPLOY_SCENARIOS.cycle, { timeout }, async () => {
    const fleet = await fleetOf("confcycle", { cycleMaxAgeSeconds: 3_600 });
    const before = await backend.finalState(fleet);
    const { app, env, group, strategy } = fleet.deployInput("v1");

    const record = await backend.runDeploy(fleet, {
      app,
      env,
      group,
      strategy,
      mode: "cycle",
      cycle: { maxAge: "1h", batchSize: 1 },
      trigger: { source: "conformance" },
    });

    expect(record.status).toBe("SUCCEEDED");
    expect(record.steps.at(-1)?.state).toBe("Cycled");
    const end = await backend.finalState(fleet);
    expectSettled(end, "v1", 2);
    expect(end.instanceIds.filter((id) => before.instanceIds.includes(id))).toEqual([]);
    // A cycle changes no release: nothing is recorded.
    expect(end.lastRelease).toBeUndefined();
  });

  it(DEPLOY_SCENARIOS.inPlace, { timeout }, async () => {
    const fleet = await fleetOf("confinplace");
    const before = await backend.finalState(fleet);

    const record = await backend.runDeploy(fleet, fleet.deployInput("v2", { strategy: inPlaceStrategy(fleet) }));

    expect(record.status).toBe("SUCCEEDED");
    expect(record.steps.some((step) => step.state === "Launch batch")).toBe(false);
    const end = await backend.finalState(fleet);
    expectSettled(end, "v2", 2);
    expect(end.instanceIds).toEqual(before.instanceIds);
    expect(end.targets).toEqual(before.instanceIds.map((id) => `${id}:healthy`));
    expect([end.groupRelease, end.launchTemplateVersion, end.imageId]).toEqual(["v2", before.launchTemplateVersion, fleet.images.v1]);
    expect(end.lastRelease).toEqual({ releaseId: "v2", status: "deployed" });
    // One command per batch, each to one instance, together every instance once.
    const sent = await backend.sentCommands(fleet);
    expect(sent.map(({ documentName, commands, comment }) => ({ documentName, commands, comment }))).toEqual(
      Array.from({ length: 2 }, () => ({ documentName: "AWS-RunShellScript", commands: [deployLine("v2")], comment: "gantry: confinplace/prod to v2" })),
    );
    expect(sent.map((command) => command.instanceIds.length)).toEqual([1, 1]);
    expect(sent.flatMap((command) => command.instanceIds).sort()).toEqual(before.instanceIds);
  });

  it(DEPLOY_SCENARIOS.inPlaceAlarm, { timeout }, async () => {
    const fleet = await fleetOf("confinalarm");
    const before = await backend.finalState(fleet);
    let raised = false;

    const record = await backend.runDeploy(fleet, fleet.deployInput("v2", { strategy: inPlaceStrategy(fleet), gates: { alarms: [fleet.alarmName] } }), {
      // The first batch has just left the target groups: its gate, after the command, reads the alarm.
      onExited: (state) => {
        if (raised || state !== "Deploy batch in place") return;
        raised = true;
        void backend.setAlarm(fleet, "ALARM");
      },
    });

    expect(record.error).toBe("DeployRolledBack");
    expect(record.cause).toContain(`alarm ${fleet.alarmName} is in ALARM`);
    const end = await backend.finalState(fleet);
    expectSettled(end, "v1", 2);
    expect(end.instanceIds).toEqual(before.instanceIds);
    expect(end.targets).toEqual(before.instanceIds.map((id) => `${id}:healthy`));
    expect([end.groupRelease, end.launchTemplateVersion, end.imageId]).toEqual(["v1", before.launchTemplateVersion, fleet.images.v1]);
    expect(end.lastRelease).toEqual({ releaseId: "v2", status: "rolled back" });
    // The first batch ran v2, then the rollback ran v1 on that same instance; the other never left v1.
    const sent = await backend.sentCommands(fleet);
    expect(sent.map(({ documentName, commands }) => ({ documentName, commands }))).toEqual([
      { documentName: "AWS-RunShellScript", commands: [deployLine("v2")] },
      { documentName: "AWS-RunShellScript", commands: [deployLine("v1")] },
    ]);
    const [deployed, rolledBack] = sent;
    expect(deployed?.instanceIds).toHaveLength(1);
    expect(rolledBack?.instanceIds).toEqual(deployed?.instanceIds);
    expect(before.instanceIds).toContain(deployed?.instanceIds[0]);
  });
}
