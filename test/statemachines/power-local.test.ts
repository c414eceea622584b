import { afterAll, describe, expect, it } from "vitest";
import { acquireLock, readLock } from "../../functions/aws/lock/deploy-lock.js";
import { readGroup } from "../../functions/aws/rollout/group.js";
import { enterStandby, terminateInstances } from "../../functions/aws/rollout/group-actions.js";
import { parseConfig } from "../../functions/core/config/config.js";
import type { PowerProgress } from "../../functions/core/power/power-progress.js";
import { closeLocalDynamo } from "../../local/dynamo-session.js";
import { powerHandlers } from "../../local/handlers.js";
import { createPowerWorld, runLocalPower } from "../../local/power-scenario.js";

afterAll(() => closeLocalDynamo());

const ZONE = "Z0123456789ABCDEFGHIJ";
const JUMPBOX = "gantry:schedule=office-hours";
const BUILDBOX = "gantry:schedule=build-box";

/** Sunday to Thursday, 08:00–18:00 in Jerusalem; 2026-04-02 is a holiday; `dev` deploys to hello-dev. */
function config(group = "hello-dev", env = "dev") {
  return parseConfig({
    apps: {
      hello: {
        repository: "octo-org/hello",
        environments: {
          [env]: {
            branch: "dev",
            region: "eu-west-1",
            group: { autoScalingGroupName: group, targetGroupArns: ["arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/hello-dev-1/1"] },
          },
        },
      },
    },
    schedules: {
      "office-hours": {
        timezone: "Asia/Jerusalem",
        workWeek: "SUN-THU",
        on: "08:00",
        off: "18:00",
        holidays: ["2026-04-02"],
        targets: [{ tag: JUMPBOX, dns: { hostedZoneId: ZONE, recordName: "jumpbox.dev.example.com" } }, { tag: BUILDBOX }, { autoScalingGroup: group }],
      },
    },
  });
}

const START = "2026-03-24T08:00:00+02:00";
const STOP = "2026-03-24T18:00:00+02:00";

function outcomes(output: unknown): Record<string, string> {
  return Object.fromEntries((output as PowerProgress).targets.map((target) => [target.target, target.status]));
}

describe("power state machine, run locally", () => {
  it("starts every target: instances running with checks ok, the DNS record on the new address, the group at its saved size", async () => {
    const world = createPowerWorld({ config: config(), schedule: "office-hours", running: false });
    const [jumpbox] = world.instances[JUMPBOX]!;

    const record = await runLocalPower(world, { schedule: "office-hours", action: "start", at: START });

    expect(record.status).toBe("SUCCEEDED");
    expect(outcomes(record.output)).toEqual({ [`instances tagged ${JUMPBOX}`]: "done", [`instances tagged ${BUILDBOX}`]: "done", "group hello-dev": "done" });
    const lastCheck = record.steps.filter((step) => step.state === "Check the targets").at(-1);
    expect(record.output).toEqual((lastCheck?.output as { power: unknown }).power);
    const power = world.cloud.instancePower(jumpbox!);
    expect(power.state).toBe("running");
    expect(world.cloud.dns.record(ZONE, "jumpbox.dev.example.com")).toEqual({ ttl: 60, values: [power.publicIp] });
    expect(world.cloud.calls.byCommand.GetChange).toBeGreaterThanOrEqual(1);
    const group = world.cloud.snapshot("hello-dev");
    expect([group.minSize, group.desiredCapacity, group.maxSize]).toEqual([1, 2, 4]);
    expect(group.instances.filter((instance) => instance.lifecycle === "InService")).toHaveLength(2);
    expect((record.output as PowerProgress).summary).toContain("jumpbox.dev.example.com → ");
    // Polled with Wait states: at least the 30 s start plus 120 s of status checks passed on the clock.
    expect(record.steps.filter((step) => step.state === "Wait for the targets").length).toBeGreaterThanOrEqual(150 / 15);
  });

  it("keeps instance ids out of the execution history, however many instances a tag finds", async () => {
    const world = createPowerWorld({ config: config(), schedule: "office-hours", running: false, instancesPerTag: 30 });

    const record = await runLocalPower(world, { schedule: "office-hours", action: "start", at: START });

    expect(record.status).toBe("SUCCEEDED");
    const history = JSON.stringify(record.steps.map((step) => step.output));
    for (const id of world.instances[BUILDBOX]!) expect(history).not.toContain(id);
    expect((record.output as PowerProgress).targets[1]?.counts).toMatchObject({ instances: 30, ready: 30 });
  });

  it("does nothing on a holiday start and says so", async () => {
    const world = createPowerWorld({ config: config(), schedule: "office-hours", running: false });

    const record = await runLocalPower(world, { schedule: "office-hours", action: "start", at: "2026-04-02T08:00:00+03:00" });

    expect(record.status).toBe("SUCCEEDED");
    expect((record.output as PowerProgress).noop).toContain("2026-04-02 is a holiday");
    // The execution's output is the plan itself ($.power), not the state around it.
    expect(record.output).toEqual((record.steps.find((step) => step.state === "Plan power")?.output as { power: unknown }).power);
    expect(world.cloud.calls.byCommand.StartInstances).toBeUndefined();
    expect(world.cloud.instancePower(world.instances[JUMPBOX]![0]!).state).toBe("stopped");
  });

  it("stops everything but an instance whose keep-running-until has not expired, and points DNS at what stays up", async () => {
    const world = createPowerWorld({ config: config(), schedule: "office-hours", running: true, instancesPerTag: 3 });
    const [kept, expired, plain] = world.instances[JUMPBOX]!;
    world.cloud.tagInstance(kept!, "gantry:keep-running-until", "2026-03-24T22:00");
    world.cloud.tagInstance(expired!, "gantry:keep-running-until", "2026-03-24T12:00:00Z");

    const record = await runLocalPower(world, { schedule: "office-hours", action: "stop", at: STOP });

    expect(record.status).toBe("SUCCEEDED");
    expect([kept, expired, plain].map((id) => world.cloud.instancePower(id!).state)).toEqual(["running", "stopped", "stopped"]);
    expect(world.cloud.dns.record(ZONE, "jumpbox.dev.example.com")?.values).toEqual([world.cloud.instancePower(kept!).publicIp]);
    const jumpbox = (record.output as PowerProgress).targets[0]!;
    expect(jumpbox.detail).toContain(`kept running: ${kept} (gantry:keep-running-until until 2026-03-24T20:00:00.000Z)`);
    expect(world.cloud.instancePower(world.instances[BUILDBOX]![0]!).state).toBe("stopped");
    const group = await readGroup("hello-dev");
    expect([group.minSize, group.desiredCapacity, group.maxSize, group.instances.length]).toEqual([0, 0, 0, 0]);
    expect(group.tags["gantry:power-saved-size"]).toBe("min=1 desired=2 max=4");
  });

  it("removes the DNS record when nothing stays up, then a start brings back the group's saved size", async () => {
    const world = createPowerWorld({ config: config(), schedule: "office-hours", running: true });

    const stop = await runLocalPower(world, { schedule: "office-hours", action: "stop", at: STOP });
    expect(stop.status).toBe("SUCCEEDED");
    expect(world.cloud.dns.record(ZONE, "jumpbox.dev.example.com")).toBeUndefined();
    expect((stop.output as PowerProgress).targets[0]?.detail).toContain("DNS jumpbox.dev.example.com removed (in sync)");

    const start = await runLocalPower(world, { schedule: "office-hours", action: "start", at: "2026-03-25T08:00:00+02:00" });
    expect(start.status).toBe("SUCCEEDED");
    const group = await readGroup("hello-dev");
    expect([group.minSize, group.desiredCapacity, group.maxSize]).toEqual([1, 2, 4]);
    expect(group.tags["gantry:power-saved-size"]).toBeUndefined();
  });

  it("skips a group whose app/env lock a deploy holds, and says who holds it", async () => {
    const world = createPowerWorld({ config: config("hello-locked"), schedule: "office-hours", running: true });
    await acquireLock({ app: "hello", env: "dev", holder: "hello-dev-v7-deploy", seq: 1, now: world.clock.now(), leaseSeconds: 3600 });

    const record = await runLocalPower(world, { schedule: "office-hours", action: "stop", at: STOP });

    expect(record.status).toBe("SUCCEEDED");
    const group = (record.output as PowerProgress).targets[2]!;
    expect(group).toMatchObject({ status: "skipped", detail: "not stopped: hello-dev-v7-deploy holds the hello/dev deploy lock" });
    expect(world.cloud.snapshot("hello-locked").desiredCapacity).toBe(2);
    expect(world.cloud.instancePower(world.instances[JUMPBOX]![0]!).state).toBe("stopped");
  });

  it("does not resize a group whose lock a deploy took after the plan: the stop takes the lock itself, and skips the group", async () => {
    const world = createPowerWorld({ config: config("hello-raced", "raced"), schedule: "office-hours", running: true });
    const deploy = "hello-raced-v8-deploy";
    // The deploy takes the lock between "Plan power" (which saw it free) and "Power the targets".
    const act = powerHandlers.PowerTargetsFunctionArn!;
    const handlers = {
      PowerTargetsFunctionArn: async (event: unknown, context: never) => {
        await acquireLock({ app: "hello", env: "raced", holder: deploy, seq: 1, now: world.clock.now(), leaseSeconds: 3600 });
        return act(event, context);
      },
    };

    const record = await runLocalPower(world, { schedule: "office-hours", action: "stop", at: STOP }, { handlers });

    expect(record.status).toBe("SUCCEEDED");
    const planned = record.steps.find((step) => step.state === "Plan power")?.output as { power: PowerProgress } | undefined;
    expect(planned?.power.targets[2]?.status).toBe("working");
    expect((record.output as PowerProgress).targets[2]).toMatchObject({ status: "skipped", detail: `not stopped: ${deploy} holds the lock of hello/raced` });
    const group = world.cloud.snapshot("hello-raced");
    expect([group.minSize, group.desiredCapacity, group.maxSize]).toEqual([1, 2, 4]);
    expect((await readLock("hello", "raced", world.clock.now()))?.holder?.holder).toBe(deploy);
  });

  it("holds the lock only while it resizes: after the stop the lock is free, and a push takes it at once", async () => {
    const world = createPowerWorld({ config: config("hello-free", "free"), schedule: "office-hours", running: true });

    const record = await runLocalPower(world, { schedule: "office-hours", action: "stop", at: STOP });

    expect(record.status).toBe("SUCCEEDED");
    expect(world.cloud.snapshot("hello-free").maxSize).toBe(0);
    expect((await readLock("hello", "free", world.clock.now()))?.holder).toBeUndefined();
    const push = await acquireLock({ app: "hello", env: "free", holder: "hello-free-v9-push", seq: 1, now: world.clock.now(), leaseSeconds: 900 });
    expect(push).toEqual({ outcome: "acquired" });
  });

  it("fails a group stop at once when Standby instances remain, naming them and what to do, instead of timing out", async () => {
    const world = createPowerWorld({ config: config("hello-standby", "standby"), schedule: "office-hours", running: true });
    const [standby] = (await readGroup("hello-standby")).instances.map((instance) => instance.id);
    await enterStandby("hello-standby", [standby!]);
    const started = world.clock.now();

    const record = await runLocalPower(world, { schedule: "office-hours", action: "stop", at: STOP });

    expect(record.status).toBe("FAILED");
    expect(record.error).toBe("PowerTargetsFailed");
    expect(record.cause).toContain(
      `group hello-standby: failed, 0/0/0, but 1 instance(s) in Standby keep running, which Auto Scaling does not terminate: ${standby}.`,
    );
    expect(record.cause).toContain("terminate-instance-in-auto-scaling-group");
    expect(record.cause).not.toContain("timed out");
    expect(world.clock.now() - started).toBeLessThan(5 * 60_000);
    const group = await readGroup("hello-standby");
    expect(group.instances.map((instance) => [instance.id, instance.lifecycleState])).toEqual([[standby, "Standby"]]);
    expect(group.tags["gantry:power-saved-size"]).toBe("min=1 desired=1 max=4");
  });

  it("advises a termination of the Standby instances the stopped group accepts, which leaves it 0/0/0 and empty", async () => {
    const world = createPowerWorld({ config: config("hello-standby", "standby"), schedule: "office-hours", running: true });
    const [standby] = (await readGroup("hello-standby")).instances.map((instance) => instance.id);
    await enterStandby("hello-standby", [standby!]);

    const record = await runLocalPower(world, { schedule: "office-hours", action: "stop", at: STOP });
    expect(record.cause).toContain(`terminate-instance-in-auto-scaling-group --instance-id <id> --no-should-decrement-desired-capacity`);
    await terminateInstances([standby!], false);
    await world.clock.sleep(10 * 60_000);

    const group = await readGroup("hello-standby");
    expect([group.minSize, group.desiredCapacity, group.maxSize, group.instances.length]).toEqual([0, 0, 0, 0]);
  });

  it("does not claim a DNS record in sync when a retried stop found it already deleted, and says what it saw", async () => {
    const world = createPowerWorld({ config: config(), schedule: "office-hours", running: true });
    // The first attempt deletes the record, then is throttled stopping the instance: the retry finds no record to delete.
    world.cloud.failNext("StopInstances", "RequestLimitExceeded");
    const retried: string[] = [];

    const record = await runLocalPower(
      world,
      { schedule: "office-hours", action: "stop", at: STOP },
      { onEvent: (event) => event.kind === "retried" && retried.push(event.state) },
    );

    expect(record.status).toBe("SUCCEEDED");
    expect(retried).toEqual(["Power the targets"]);
    expect(world.cloud.dns.record(ZONE, "jumpbox.dev.example.com")).toBeUndefined();
    const jumpbox = (record.output as PowerProgress).targets[0]!;
    expect(jumpbox.detail).toContain("DNS jumpbox.dev.example.com removed (found so; no change of this run to wait for)");
    expect(jumpbox.detail).not.toContain("in sync");
  });

  it("fails the execution when one target fails to start, after starting the others, with every outcome in the cause", async () => {
    const world = createPowerWorld({ config: config(), schedule: "office-hours", running: false });
    const [buildbox] = world.instances[BUILDBOX]!;
    world.cloud.failNextStart(buildbox!);

    const record = await runLocalPower(world, { schedule: "office-hours", action: "start", at: START });

    expect(record.status).toBe("FAILED");
    expect(record.error).toBe("PowerTargetsFailed");
    expect(record.cause).toContain("1 of 3 target(s) failed");
    expect(record.cause).toContain(`instances tagged ${BUILDBOX}: failed, 1 of 1 did not start: ${buildbox} (Server.InternalError)`);
    expect(record.cause).toContain(`instances tagged ${JUMPBOX}: done`);
    expect(world.cloud.instancePower(world.instances[JUMPBOX]![0]!).state).toBe("running");
    expect(world.cloud.dns.record(ZONE, "jumpbox.dev.example.com")).toBeDefined();
    expect(world.cloud.snapshot("hello-dev").desiredCapacity).toBe(2);
  });

  it("retries a throttled call and still starts every target once", async () => {
    const world = createPowerWorld({ config: config(), schedule: "office-hours", running: false });
    world.cloud.failNext("StartInstances", "RequestLimitExceeded");

    const retried: string[] = [];

    const record = await runLocalPower(
      world,
      { schedule: "office-hours", action: "start", at: START },
      { onEvent: (event) => event.kind === "retried" && retried.push(event.state) },
    );

    expect(record.status).toBe("SUCCEEDED");
    expect(retried).toEqual(["Power the targets"]);
    // The throttled call, then one call per tag target: nothing asked to start twice.
    expect(world.cloud.calls.byCommand.StartInstances).toBe(3);
    expect(world.cloud.instancePower(world.instances[JUMPBOX]![0]!).state).toBe("running");
  });

  it("fails with PowerFailed for a schedule the configuration does not have", async () => {
    const world = createPowerWorld({ config: config(), schedule: "office-hours", running: false });

    const record = await runLocalPower(world, { schedule: "night-shift", action: "start" });

    expect(record.error).toBe("PowerFailed");
    expect(record.cause).toContain('No schedule \\"night-shift\\" in the configuration (configured: office-hours)');
  });
});
