import { EnterStandbyCommand } from "@aws-sdk/client-auto-scaling";
import { afterEach, describe, expect, it } from "vitest";
import { eventually, isAlive, processFleet, type ProcessFleet } from "./fixtures.js";

let fleet: ProcessFleet | undefined;

afterEach(async () => {
  await fleet?.driver.stopAll();
  fleet = undefined;
});

const targetState = (f: ProcessFleet, group: string, id: string) => f.cloud.snapshot(group).instances.find((i) => i.instanceId === id)?.targets[0]?.state;

describe("ProcessDriver", () => {
  it("starts an app process for each warm instance, on the instance's release", async () => {
    fleet = processFleet({ instances: 2, release: "b7d2e4f01c68" });
    const ids = fleet.instanceIds();

    await fleet.driver.waitUntilServing(ids, 5000);

    for (const id of ids) {
      expect(isAlive(fleet.driver.pidOf(id)!)).toBe(true);
      const version = await fleet.cloud.httpProbe(id, "/version");
      expect(JSON.parse(version.body)).toEqual({ release: "b7d2e4f01c68", instance: id });
    }
    expect(fleet.driver.addressOf(ids[0]!)).toEqual({ host: "127.0.0.1", port: expect.any(Number) });
  });

  it("reports a target unhealthy once its app's real /health fails the unhealthy threshold", async () => {
    fleet = processFleet({ instances: 1, release: "a1f3c9e07b24" });
    const [bad] = fleet.addGroup("hello-bad", 1, "c3e9a5d28f10") as [string];
    const [good] = fleet.instanceIds() as [string];

    await eventually("the c3e9a5d28f10 target is unhealthy", () => targetState(fleet!, "hello-bad", bad) === "unhealthy");

    expect(targetState(fleet, fleet.group, good)).toBe("healthy");
    expect(fleet.cloud.routableTargets(fleet.targetGroupArn)).toEqual([good]);
  });

  it("boots a launched instance and turns it healthy after the healthy threshold of real checks", async () => {
    fleet = processFleet({ instances: 1, bootSeconds: 10 });
    fleet.cloud.scaleBySelf(fleet.group, 2);
    const fresh = fleet.instanceIds()[1]!;

    expect(targetState(fleet, fleet.group, fresh)).toBeUndefined();
    await eventually("the new target is healthy", () => targetState(fleet!, fleet!.group, fresh) === "healthy");

    expect(fleet.cloud.routableTargets(fleet.targetGroupArn)).toContain(fresh);
    expect((await fleet.cloud.httpProbe(fresh, "/health")).status).toBe(200);
  });

  it("keeps a Standby instance's app running, and stops a terminated one's", async () => {
    fleet = processFleet({ instances: 3, deregistrationDelaySeconds: 2 });
    const [standby] = fleet.instanceIds() as [string];
    await fleet.driver.waitUntilServing(fleet.instanceIds(), 5000);

    await fleet.autoScaling.send(new EnterStandbyCommand({ AutoScalingGroupName: fleet.group, InstanceIds: [standby], ShouldDecrementDesiredCapacity: true }));
    fleet.cloud.scaleBySelf(fleet.group, 1);
    const victim = fleet.cloud.snapshot(fleet.group).instances.find((i) => i.lifecycle === "Terminating")!.instanceId;
    const victimPid = fleet.driver.pidOf(victim)!;

    // The cloud moves only when asked, so each look asks it (retiring the drained instance).
    await eventually("the scaled-in instance's process exits", () => fleet!.cloud.snapshot(fleet!.group) && !isAlive(victimPid));
    expect(fleet.driver.runningInstances()).toContain(standby);
    expect(fleet.driver.addressOf(victim)).toBeUndefined();
  });

  it("stops every process it started with stopAll, and may be called twice", async () => {
    fleet = processFleet({ instances: 3 });
    const ids = fleet.instanceIds();
    await fleet.driver.waitUntilServing(ids, 5000);
    const pids = ids.map((id) => fleet!.driver.pidOf(id)!);

    await fleet.driver.stopAll();
    await fleet.driver.stopAll();

    for (const pid of pids) expect(() => process.kill(pid, 0)).toThrow(/ESRCH/);
    expect(fleet.driver.runningInstances()).toEqual([]);
  });

  it("rejects waitUntilServing for an instance whose app exited, with the app's own message", async () => {
    fleet = processFleet({ instances: 1, release: "v9" });

    await expect(fleet.driver.waitUntilServing(fleet.instanceIds(), 5000)).rejects.toThrow(
      /will not serve: its app exited \(code 2; stderr: hello-app: cannot read release v9/,
    );
  });

  it("rejects waitUntilServing after the timeout, naming the failing health check", async () => {
    fleet = processFleet({ instances: 1, release: "c3e9a5d28f10" });
    const [id] = fleet.instanceIds() as [string];
    await eventually("the app listens", () => fleet!.driver.addressOf(id) !== undefined);

    await expect(fleet.driver.waitUntilServing([id], 500)).rejects.toThrow(/Not serving after 500 ms: i-\w+: health check answered 500/);
  });
});
