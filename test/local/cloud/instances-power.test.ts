import { DescribeInstancesCommand, DescribeInstanceStatusCommand, EC2Client, StartInstancesCommand, StopInstancesCommand } from "@aws-sdk/client-ec2";
import { describe, expect, it } from "vitest";
import { VirtualClock } from "../../../local/clock.js";
import { attachLocalCloud, LocalCloud, LocalCloudUnsupportedError, type InstanceDriver } from "../../../local/cloud/index.js";
import { helloFleet, seconds } from "./fixtures.js";

function jumpboxes() {
  const clock = new VirtualClock();
  const cloud = new LocalCloud({ clock });
  const ec2 = attachLocalCloud(new EC2Client({ region: "eu-west-1", credentials: { accessKeyId: "x", secretAccessKey: "y" } }), cloud);
  const stopped = cloud.createInstance({ state: "stopped", tags: { "gantry:schedule": "office-hours", Name: "jumpbox" } });
  const running = cloud.createInstance({ state: "running", tags: { "gantry:schedule": "office-hours" } });
  const other = cloud.createInstance({ state: "running", tags: { "gantry:schedule": "night" } });
  return { clock, cloud, ec2, stopped, running, other };
}

async function describe1(ec2: EC2Client, id: string) {
  const answer = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }));
  return answer.Reservations?.[0]?.Instances?.[0];
}

describe("local cloud: standalone instances, start and stop", () => {
  it("starts a stopped instance: pending, then running with a new public address, status checks initializing, then ok", async () => {
    const { clock, ec2, stopped } = jumpboxes();
    expect((await describe1(ec2, stopped))?.PublicIpAddress).toBeUndefined();

    const answer = await ec2.send(new StartInstancesCommand({ InstanceIds: [stopped] }));
    expect(answer.StartingInstances).toEqual([
      { InstanceId: stopped, PreviousState: { Name: "stopped", Code: 80 }, CurrentState: { Name: "pending", Code: 0 } },
    ]);
    expect((await describe1(ec2, stopped))?.State?.Name).toBe("pending");

    await clock.sleep(seconds(30));
    const started = await describe1(ec2, stopped);
    expect(started?.State?.Name).toBe("running");
    expect(started?.PublicIpAddress).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    const early = await ec2.send(new DescribeInstanceStatusCommand({ InstanceIds: [stopped] }));
    expect(early.InstanceStatuses?.[0]?.InstanceStatus?.Status).toBe("initializing");
    expect(early.InstanceStatuses?.[0]?.SystemStatus?.Details).toEqual([{ Name: "reachability", Status: "initializing" }]);

    await clock.sleep(seconds(120));
    const late = await ec2.send(new DescribeInstanceStatusCommand({ InstanceIds: [stopped] }));
    expect(late.InstanceStatuses?.[0]).toMatchObject({ InstanceState: { Name: "running" }, InstanceStatus: { Status: "ok" }, SystemStatus: { Status: "ok" } });
  });

  it("gives a new public address at every start and none while stopped", async () => {
    const { clock, ec2, running } = jumpboxes();
    const first = (await describe1(ec2, running))?.PublicIpAddress;
    const stop = await ec2.send(new StopInstancesCommand({ InstanceIds: [running] }));
    expect(stop.StoppingInstances?.[0]?.CurrentState?.Name).toBe("stopping");
    expect((await describe1(ec2, running))?.PublicIpAddress).toBeUndefined();
    await clock.sleep(seconds(30));
    const stoppedNow = await describe1(ec2, running);
    expect(stoppedNow?.State?.Name).toBe("stopped");
    expect(stoppedNow?.StateReason?.Code).toBe("Client.UserInitiatedShutdown");

    await ec2.send(new StartInstancesCommand({ InstanceIds: [running] }));
    await clock.sleep(seconds(30));
    const second = (await describe1(ec2, running))?.PublicIpAddress;
    expect(second).toBeDefined();
    expect(second).not.toBe(first);
  });

  it("answers a start of a running instance and a stop of a stopped one without changing them", async () => {
    const { ec2, running, stopped } = jumpboxes();
    const start = await ec2.send(new StartInstancesCommand({ InstanceIds: [running] }));
    expect(start.StartingInstances?.[0]).toMatchObject({ PreviousState: { Name: "running" }, CurrentState: { Name: "running" } });
    const stop = await ec2.send(new StopInstancesCommand({ InstanceIds: [stopped] }));
    expect(stop.StoppingInstances?.[0]).toMatchObject({ PreviousState: { Name: "stopped" }, CurrentState: { Name: "stopped" } });
  });

  it("rejects a start of a stopping instance with IncorrectInstanceState, changing nothing in the call", async () => {
    const { ec2, running, stopped } = jumpboxes();
    await ec2.send(new StopInstancesCommand({ InstanceIds: [running] }));
    await expect(ec2.send(new StartInstancesCommand({ InstanceIds: [stopped, running] }))).rejects.toMatchObject({
      name: "IncorrectInstanceState",
      message: `The instance '${running}' is not in a state from which it can be started.`,
    });
    expect((await describe1(ec2, stopped))?.State?.Name).toBe("stopped");
  });

  it("rejects a stop of a pending instance and unknown ids", async () => {
    const { ec2, stopped } = jumpboxes();
    await ec2.send(new StartInstancesCommand({ InstanceIds: [stopped] }));
    await expect(ec2.send(new StopInstancesCommand({ InstanceIds: [stopped] }))).rejects.toMatchObject({ name: "IncorrectInstanceState" });
    await expect(ec2.send(new StartInstancesCommand({ InstanceIds: ["i-0000000000000dead"] }))).rejects.toMatchObject({ name: "InvalidInstanceID.NotFound" });
  });

  it("fails a scripted start: pending for the start time, then stopped with Server.InternalError", async () => {
    const { clock, cloud, ec2, stopped } = jumpboxes();
    cloud.failNextStart(stopped);
    const answer = await ec2.send(new StartInstancesCommand({ InstanceIds: [stopped] }));
    expect(answer.StartingInstances?.[0]?.CurrentState?.Name).toBe("pending");
    await clock.sleep(seconds(30));
    const failed = await describe1(ec2, stopped);
    expect(failed?.State?.Name).toBe("stopped");
    expect(failed?.StateReason?.Code).toBe("Server.InternalError");
    expect(failed?.PublicIpAddress).toBeUndefined();
  });

  it("lists only running instances in DescribeInstanceStatus unless IncludeAllInstances, then not-applicable for the others", async () => {
    const { ec2, running, stopped, other } = jumpboxes();
    const runningOnly = await ec2.send(new DescribeInstanceStatusCommand({}));
    expect(runningOnly.InstanceStatuses?.map((status) => status.InstanceId)).toEqual([running, other].sort());
    const all = await ec2.send(new DescribeInstanceStatusCommand({ InstanceIds: [stopped, running], IncludeAllInstances: true }));
    const byId = new Map(all.InstanceStatuses?.map((status) => [status.InstanceId, status]));
    expect(byId.get(stopped)?.InstanceStatus).toEqual({ Status: "not-applicable" });
    expect(byId.get(running)?.InstanceStatus?.Status).toBe("ok");
    await expect(ec2.send(new DescribeInstanceStatusCommand({ InstanceIds: [running], MaxResults: 5 }))).rejects.toMatchObject({
      name: "InvalidParameterCombination",
    });
  });

  it("filters DescribeInstances by tag and by the stopped/stopping states", async () => {
    const { ec2, running, stopped } = jumpboxes();
    await ec2.send(new StopInstancesCommand({ InstanceIds: [running] }));
    const answer = await ec2.send(
      new DescribeInstancesCommand({
        Filters: [
          { Name: "tag:gantry:schedule", Values: ["office-hours"] },
          { Name: "instance-state-name", Values: ["stopped", "stopping"] },
        ],
      }),
    );
    expect(answer.Reservations?.flatMap((r) => r.Instances?.map((i) => `${i.InstanceId} ${i.State?.Name}`) ?? [])).toEqual([
      `${stopped} stopped`,
      `${running} stopping`,
    ]);
  });

  it("refuses to start or stop an instance of an Auto Scaling group rather than half-model it", async () => {
    const { cloud, ec2 } = helloFleet();
    const id = cloud.snapshot("hello-prod").instances[0]!.instanceId;
    await expect(ec2.send(new StopInstancesCommand({ InstanceIds: [id] }))).rejects.toBeInstanceOf(LocalCloudUnsupportedError);
  });

  it("tells the instance driver: a start launches what runs inside, a stop ends it", async () => {
    const events: string[] = [];
    const clock = new VirtualClock();
    const driver: InstanceDriver = {
      onLaunch: (instance) => events.push(`launch ${instance.instanceId}`),
      onTerminate: (instance) => events.push(`stop ${instance.instanceId}`),
      isHealthy: () => true,
      nextHealthChange: () => undefined,
      probe: () => Promise.resolve({ status: 200, body: "ok" }),
    };
    const cloud = new LocalCloud({ clock, driver: () => driver });
    const ec2 = attachLocalCloud(new EC2Client({ region: "eu-west-1", credentials: { accessKeyId: "x", secretAccessKey: "y" } }), cloud);
    const id = cloud.createInstance({ state: "running" });
    await ec2.send(new StopInstancesCommand({ InstanceIds: [id] }));
    await clock.sleep(seconds(30));
    await ec2.send(new StartInstancesCommand({ InstanceIds: [id] }));
    expect(events).toEqual([`launch ${id}`, `stop ${id}`, `launch ${id}`]);
  });
});
