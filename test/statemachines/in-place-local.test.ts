import { describe, expect, it } from "vitest";
import { createLocalFleet, runLocalDeploy, type LocalFleet } from "../../local/scenario.js";
import { fleetState, watchFleet } from "../../local/watch.js";
import { readUnfinishedRollout } from "../../functions/aws/rollout/unfinished.js";

/** Eight instances, two a batch, six always serving: the floor of 75 % leaves room for one batch of 2. */
const strategy = { mode: "in-place" as const, batches: ["25%"], minHealthyPercent: 75, bakeSeconds: 30, pollSeconds: 5 };
const v1Fleet = Array.from({ length: 8 }, () => "v1:InService");

/** What each instance's app answers on /version: the release it really runs, whatever its tag says. */
async function running(fleet: LocalFleet): Promise<string[]> {
  const instances = fleet.cloud.snapshot(fleet.groupName).instances;
  const answers = await Promise.all(instances.map((instance) => fleet.cloud.httpProbe(instance.instanceId, "/version")));
  return answers.map((answer) => (JSON.parse(answer.body) as { release: string }).release).sort();
}

function inPlaceFleet(app?: string) {
  const fleet = createLocalFleet({ instances: 8, maxSize: 8, ...(app ? { app } : {}) });
  return { fleet, before: fleetState(fleet), watch: watchFleet(fleet) };
}

describe("in-place deploys on the real definition, run locally", () => {
  it("deploys v2 on the same eight instances, two at a time, never below the floor", async () => {
    const { fleet, before, watch } = inPlaceFleet();

    const record = await runLocalDeploy(fleet, fleet.deployInput("v2", { strategy }), watch);

    expect(record.status).toBe("SUCCEEDED");
    const end = fleetState(fleet);
    expect(end.ids).toEqual(before.ids);
    expect(end.releases).toEqual(Array.from({ length: 8 }, () => "v2:InService"));
    expect(end.desired).toBe(8);
    expect(end.serving).toBe(8);
    expect(end.suspended).toEqual([]);
    expect(await running(fleet)).toEqual(Array.from({ length: 8 }, () => "v2"));
    expect(watch.launched.size).toBe(8);
    expect(watch.minServing()).toBeGreaterThanOrEqual(6);
    expect(record.steps.some((step) => step.state === "Launch batch")).toBe(false);
    expect(record.steps.filter((step) => step.state === "Deploy batch in place").length).toBeGreaterThan(4 * 4);
  });

  it("rolls back in place when the command fails on one instance: every instance back on v1, the same ids", async () => {
    const { fleet, before, watch } = inPlaceFleet();
    const [, , third] = before.ids;
    fleet.cloud.failNextDeploy(third as string, {
      exitCode: 3,
      stdout: "gantry-deploy: fetching v2\n",
      stderr: "gantry-deploy: /health answered 503\ngantry-deploy: switched back to v1\n",
    });

    const record = await runLocalDeploy(fleet, fleet.deployInput("v2", { strategy }), watch);

    expect(record.status).toBe("FAILED");
    expect(record.error).toBe("DeployRolledBack");
    expect(record.cause).toMatch(
      /rolled back to v1\. DeployCommandFailedError: Batch \d of 4: "\/usr\/local\/bin\/gantry-deploy v2" failed on 1 instance\(s\)/,
    );
    expect(record.cause).toContain(
      `${third}: Failed, exit code 3; output ends: gantry-deploy: fetching v2 | gantry-deploy: /health answered 503 | gantry-deploy: switched back to v1`,
    );
    expect(fleetState(fleet)).toEqual({ ...before, releases: v1Fleet });
    expect(await running(fleet)).toEqual(Array.from({ length: 8 }, () => "v1"));
    expect(watch.minServing()).toBeGreaterThanOrEqual(6);
  });

  it("names the instance whose agent cannot be reached, and still ends on v1 everywhere", async () => {
    const { fleet, before, watch } = inPlaceFleet();
    const [first] = before.ids;
    fleet.cloud.setSsmAgent(first as string, "unreachable");

    const record = await runLocalDeploy(fleet, fleet.deployInput("v2", { strategy }), watch);

    expect(record.error).toBe("DeployRolledBack");
    expect(record.cause).toMatch(new RegExp(`${first}: (Failed|TimedOut) \\((Undeliverable|DeliveryTimedOut)\\)`));
    expect(record.cause).toMatch(/check that the SSM agent runs|check the agent/);
    expect(fleetState(fleet)).toEqual({ ...before, releases: v1Fleet });
    expect(watch.minServing()).toBeGreaterThanOrEqual(6);
  });

  it("names an instance without the SSM agent, runs the others, and rolls back to v1 on all eight", async () => {
    const { fleet, before, watch } = inPlaceFleet();
    const [first] = before.ids;
    fleet.cloud.setSsmAgent(first as string, "absent");

    const record = await runLocalDeploy(fleet, fleet.deployInput("v2", { strategy }), watch);

    expect(record.error).toBe("DeployRolledBack");
    expect(record.cause).toMatch(new RegExp(`failed on 1 instance\\(s\\)\\. ${first}: Failed \\(NotManaged\\)\\. Run Command could not reach the instance`));
    expect(fleetState(fleet)).toEqual({ ...before, releases: v1Fleet });
    expect(await running(fleet)).toEqual(Array.from({ length: 8 }, () => "v1"));
    expect(watch.minServing()).toBeGreaterThanOrEqual(6);
  });

  it("ends a command that hangs at strategy.inPlace.timeoutSeconds, names it, and rolls back once the agent answers again", async () => {
    const { fleet, before, watch } = inPlaceFleet();
    const [first] = before.ids;
    fleet.cloud.setSsmAgent(first as string, "hangs");
    const inPlace = { command: "/usr/local/bin/gantry-deploy", timeoutSeconds: 60 };

    const record = await runLocalDeploy(fleet, fleet.deployInput("v2", { strategy: { ...strategy, inPlace } }), {
      onEvent: (event) => {
        watch.onEvent(event);
        if (event.kind === "entered" && event.step.state === "Roll back") fleet.cloud.setSsmAgent(first as string, "online");
      },
    });

    expect(record.error).toBe("DeployRolledBack");
    expect(record.cause).toMatch(new RegExp(`${first}: TimedOut \\(ExecutionTimedOut\\).*ran past strategy.inPlace.timeoutSeconds`));
    expect(fleetState(fleet)).toEqual({ ...before, releases: v1Fleet });
    expect(watch.minServing()).toBeGreaterThanOrEqual(6);
  });

  it("stops for a person when the way back hangs too: the rollback fails naming the instance, the others serve v1", async () => {
    // Its own app/env: a failed rollback leaves its rollout recorded as unfinished, for gantry recover.
    const { fleet, before } = inPlaceFleet("hangs");
    const [first] = before.ids;
    fleet.cloud.setSsmAgent(first as string, "hangs");
    const inPlace = { command: "/usr/local/bin/gantry-deploy", timeoutSeconds: 60 };

    const record = await runLocalDeploy(fleet, fleet.deployInput("v2", { strategy: { ...strategy, inPlace } }));

    expect(record.error).toBe("RollbackFailed");
    expect(record.cause).toMatch(new RegExp(`The in-place rollback to v1 failed\\. Rollback batch 1: .*${first}: TimedOut \\(ExecutionTimedOut\\)`));
    const end = fleet.cloud.snapshot(fleet.groupName);
    expect(end.instances.filter((instance) => instance.instanceId !== first).map((instance) => instance.release)).toEqual(
      Array.from({ length: 7 }, () => "v1"),
    );
    expect(end.serving).toBeGreaterThanOrEqual(6);
    expect((await readUnfinishedRollout("hangs", "prod"))?.execution).toBe(record.name);
  });

  it("rolls back when the gate fails after the command: the release answers 503 once it runs", async () => {
    const { fleet, before, watch } = inPlaceFleet();
    fleet.cloud.setReleaseHealth("v3", "unhealthy");

    const record = await runLocalDeploy(fleet, fleet.deployInput("v3", { strategy }), watch);

    expect(record.error).toBe("DeployRolledBack");
    expect(record.cause).toMatch(/failed in batch 1 of 4 and was rolled back to v1\. HealthGateFailedError: Batch 1 of 4: instance i-\w+ is unhealthy/);
    expect(fleetState(fleet)).toEqual({ ...before, releases: v1Fleet });
    expect(await running(fleet)).toEqual(Array.from({ length: 8 }, () => "v1"));
    expect(watch.minServing()).toBeGreaterThanOrEqual(6);
  });

  it("adopts an instance the group launches by itself mid-deploy: it boots v2, is gated, and a rollback puts it on v1 too", async () => {
    for (const failing of [false, true]) {
      const fleet = createLocalFleet({ instances: 8, maxSize: 10 });
      const before = fleetState(fleet);
      const watch = watchFleet(fleet);
      if (failing) fleet.cloud.failNextDeploy(before.ids[7] as string, { exitCode: 1, stderr: "gantry-deploy: cannot fetch the slug\n" });
      let scaled = false;

      const record = await runLocalDeploy(fleet, fleet.deployInput("v2", { strategy }), {
        onEvent: (event) => {
          watch.onEvent(event);
          if (!scaled && event.kind === "exited" && event.step.state === "Deploy batch in place") {
            scaled = true;
            fleet.cloud.scaleBySelf(fleet.groupName, 9);
          }
        },
      });

      const end = fleetState(fleet);
      expect(record.status).toBe(failing ? "FAILED" : "SUCCEEDED");
      expect(end.desired).toBe(9);
      expect(end.ids).toEqual(expect.arrayContaining(before.ids));
      expect(end.releases).toEqual(Array.from({ length: 9 }, () => `${failing ? "v1" : "v2"}:InService`));
      expect(await running(fleet)).toEqual(Array.from({ length: 9 }, () => (failing ? "v1" : "v2")));
      expect(end.serving).toBe(9);
      expect(watch.minServing()).toBeGreaterThanOrEqual(6);
    }
  });

  it("puts each instance back in the target groups it left, and no others, when the groups split the fleet", async () => {
    const fleet = createLocalFleet({ instances: 12, maxSize: 12, targetGroups: 3, membership: "spread" });
    const homes = () =>
      fleet.cloud
        .snapshot(fleet.groupName)
        .instances.map(
          (instance) =>
            `${instance.instanceId}:${instance.targets
              .map((target) => target.targetGroupArn)
              .sort()
              .join(",")}`,
        )
        .sort();
    const before = homes();

    const record = await runLocalDeploy(fleet, fleet.deployInput("v2", { strategy }));

    expect(record.status).toBe("SUCCEEDED");
    expect(homes()).toEqual(before);
    expect(before.some((home) => home.split(",").length < 3)).toBe(true);
    expect(fleetState(fleet).serving).toBe(12);
  });

  it("refuses a batch too large for the floor before anything changes", async () => {
    const { fleet, before } = inPlaceFleet();

    const record = await runLocalDeploy(fleet, fleet.deployInput("v2", { strategy: { ...strategy, batches: ["50%"] } }));

    expect(record.error).toBe("InPlaceNotPossibleError");
    expect(record.cause).toMatch(/batches of at most 2 fit, but the largest batch is 4/);
    expect(fleetState(fleet)).toEqual(before);
  });
});
