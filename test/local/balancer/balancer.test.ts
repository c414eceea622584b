import { EnterStandbyCommand, TerminateInstanceInAutoScalingGroupCommand } from "@aws-sdk/client-auto-scaling";
import { afterEach, describe, expect, it } from "vitest";
import { startBalancer, type Balancer } from "../../../local/balancer/index.js";
import { startLoad } from "../../../local/load/index.js";
import { httpGet } from "../../../local/process/index.js";
import { eventually, isAlive, processFleet, type ProcessFleet, type ProcessFleetOptions } from "../process/fixtures.js";

let fleet: ProcessFleet | undefined;
let balancer: Balancer | undefined;

afterEach(async () => {
  await balancer?.close();
  await fleet?.driver.stopAll();
  balancer = undefined;
  fleet = undefined;
});

/** A fleet of real processes, serving, behind a started balancer. */
async function servingFleet(instances: number, options: Partial<ProcessFleetOptions> = {}) {
  const f = (fleet = processFleet({ instances, ...options }));
  balancer = await startBalancer({ cloud: f.cloud, targetGroupArn: f.targetGroupArn, driver: f.driver });
  // Warm targets start healthy in the cloud while their apps are still starting; on a busy
  // machine two checks can fail first. Once every app passed a check, the cloud's view is final.
  await f.driver.waitUntilServing(f.instanceIds(), 8000);
  await balancer.waitUntilRoutable(f.instanceIds(), 8000);
  return { fleet: f, lb: balancer, address: { host: "127.0.0.1", port: balancer.port } };
}

async function answeringInstances(address: { host: string; port: number }, count: number): Promise<string[]> {
  const answers = await Promise.all(Array.from({ length: count }, () => httpGet(address, "/version", 2000)));
  return answers.map((answer) => (JSON.parse(answer.body) as { instance: string }).instance);
}

const targetState = (f: ProcessFleet, group: string, id: string) => f.cloud.snapshot(group).instances.find((i) => i.instanceId === id)?.targets[0]?.state;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("local balancer in front of app processes", () => {
  it("spreads requests round-robin over the healthy targets", async () => {
    const { fleet, address } = await servingFleet(3);

    const seen = await answeringInstances(address, 9);

    for (const id of fleet.instanceIds()) expect(seen.filter((s) => s === id)).toHaveLength(3);
  });

  it("never routes to a target whose health checks fail", async () => {
    const { fleet, address } = await servingFleet(2);
    const [bad] = fleet.addGroup("hello-canary", 1, "c3e9a5d28f10") as [string];
    await eventually("the c3e9a5d28f10 target is unhealthy", () => targetState(fleet, "hello-canary", bad) === "unhealthy");

    const seen = await answeringInstances(address, 12);

    expect(seen).not.toContain(bad);
    expect(new Set(seen)).toEqual(new Set(fleet.instanceIds()));
  });

  it("sends nothing new to a target put in Standby, and lets its in-flight request finish", async () => {
    const { fleet, lb, address } = await servingFleet(2);
    const slow = httpGet(address, "/?delayMs=1200", 5000);
    await eventually("the slow request reached a target", () => Object.keys(lb.stats().inFlight).length === 1);
    const [draining] = Object.keys(lb.stats().inFlight) as [string];

    await fleet.autoScaling.send(new EnterStandbyCommand({ AutoScalingGroupName: fleet.group, InstanceIds: [draining], ShouldDecrementDesiredCapacity: true }));
    const seen = await answeringInstances(address, 6);

    expect(seen).not.toContain(draining);
    expect(await slow).toMatchObject({ status: 200, body: expect.stringContaining(`on ${draining}`) });
    expect(fleet.cloud.snapshot(fleet.group).instances.find((i) => i.instanceId === draining)?.lifecycle).toBe("Standby");
  });

  it("lets a request in flight finish when its instance is terminated after draining", async () => {
    const { fleet, lb, address } = await servingFleet(2, { deregistrationDelaySeconds: 2 });
    let slowDone = false;
    const slow = httpGet(address, "/?delayMs=1200", 5000).finally(() => (slowDone = true));
    await eventually("the slow request reached a target", () => Object.keys(lb.stats().inFlight).length === 1);
    const [victim] = Object.keys(lb.stats().inFlight) as [string];
    const pid = fleet.driver.pidOf(victim)!;

    await fleet.autoScaling.send(new TerminateInstanceInAutoScalingGroupCommand({ InstanceId: victim, ShouldDecrementDesiredCapacity: true }));
    await eventually("the instance is terminated, after its 2 s (100 ms real) drain", () => !fleet.instanceIds().includes(victim));

    expect(slowDone).toBe(false);
    expect(await slow).toMatchObject({ status: 200, body: expect.stringContaining(`on ${victim}`) });
    await eventually("its process exited", () => !isAlive(pid));
  });

  it("fails no request under steady load while one target drains and its replacement joins", async () => {
    const { fleet, lb } = await servingFleet(3, { bootSeconds: 10 });
    const original = fleet.instanceIds();
    const [drained] = original as [string];
    const load = startLoad({ url: `${lb.url}/`, ratePerSecond: 80, concurrency: 20 });
    await sleep(300);

    // Without decrementing, the group launches a replacement while the old target drains.
    await fleet.autoScaling.send(new EnterStandbyCommand({ AutoScalingGroupName: fleet.group, InstanceIds: [drained], ShouldDecrementDesiredCapacity: false }));
    const replacement = fleet.instanceIds().find((id) => !original.includes(id))!;
    // Real seconds on a shared machine: generous, the assertions below are what matter.
    await eventually("the replacement serves traffic", () => (lb.stats().proxied[replacement] ?? 0) > 5, 15_000);
    const report = await load.stop();

    expect(report).toMatchObject({ failed: 0, errors: [], skipped: 0 });
    expect(report.total).toBeGreaterThan(60);
    expect(lb.stats().balancerErrors).toBe(0);
  });

  it("answers 503 naming the target group when no target is healthy", async () => {
    const f = (fleet = processFleet({ instances: 1, release: "c3e9a5d28f10" }));
    balancer = await startBalancer({ cloud: f.cloud, targetGroupArn: f.targetGroupArn, driver: f.driver });
    const [only] = f.instanceIds() as [string];
    await eventually("the only target is unhealthy", () => targetState(f, f.group, only) === "unhealthy");

    const answer = await httpGet({ host: "127.0.0.1", port: balancer.port }, "/", 2000);

    expect(answer.status).toBe(503);
    expect(answer.body).toContain("no healthy target in arn:aws:elasticloadbalancing:");
    expect(balancer.stats()).toMatchObject({ ownAnswers: { "503": 1 }, balancerErrors: 1 });
  });
});
