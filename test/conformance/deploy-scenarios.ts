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
} as const;

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
}
