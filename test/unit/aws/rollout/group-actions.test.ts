import {
  AutoScalingClient,
  CreateOrUpdateTagsCommand,
  DeleteTagsCommand,
  DetachInstancesCommand,
  EnterStandbyCommand,
  ExitStandbyCommand,
  ResumeProcessesCommand,
  SetDesiredCapacityCommand,
  SuspendProcessesCommand,
  TerminateInstanceInAutoScalingGroupCommand,
  UpdateAutoScalingGroupCommand,
} from "@aws-sdk/client-auto-scaling";
import { EC2Client, TerminateInstancesCommand } from "@aws-sdk/client-ec2";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  detachAndTerminate,
  enterStandby,
  exitStandby,
  markRelease,
  restoreRelease,
  resumeProcesses,
  setDesiredCapacity,
  setMaxSize,
  suspendProcesses,
  terminateInstances,
  useLaunchTemplateVersion,
} from "../../../../functions/aws/rollout/group-actions.js";

const autoScaling = mockClient(AutoScalingClient);
const GROUP = "hello-prod-web";

function instanceIds(count: number): string[] {
  return Array.from({ length: count }, (_, index) => `i-0${String(index + 1).padStart(16, "0")}`);
}

beforeEach(() => {
  autoScaling.on(EnterStandbyCommand).resolves({ Activities: [] });
  autoScaling.on(ExitStandbyCommand).resolves({ Activities: [] });
  autoScaling.on(TerminateInstanceInAutoScalingGroupCommand).resolves({});
});

afterEach(() => {
  autoScaling.reset();
});

describe("enterStandby", () => {
  it("sends at most 20 ids per call, decrementing desired capacity: 45 ids in 3 calls", async () => {
    const ids = instanceIds(45);

    await enterStandby(GROUP, ids);

    expect(autoScaling).toHaveReceivedCommandTimes(EnterStandbyCommand, 3);
    const calls = autoScaling.commandCalls(EnterStandbyCommand).map((call) => call.args[0].input);
    expect(calls.map((input) => input.InstanceIds?.length)).toEqual([20, 20, 5]);
    expect(calls.flatMap((input) => input.InstanceIds ?? [])).toEqual(ids);
    expect(calls.every((input) => input.AutoScalingGroupName === GROUP && input.ShouldDecrementDesiredCapacity === true)).toBe(true);
  });

  it("sends nothing for no ids", async () => {
    await enterStandby(GROUP, []);

    expect(autoScaling).not.toHaveReceivedCommand(EnterStandbyCommand);
  });

  it("rejects when AWS refuses a call", async () => {
    autoScaling.on(EnterStandbyCommand).rejects(Object.assign(new Error("The instance i-0 is not in InService."), { name: "ValidationError" }));

    await expect(enterStandby(GROUP, instanceIds(3))).rejects.toThrow("is not in InService");
  });
});

describe("exitStandby", () => {
  it("sends at most 20 ids per call: 45 ids in 3 calls", async () => {
    const ids = instanceIds(45);

    await exitStandby(GROUP, ids);

    const calls = autoScaling.commandCalls(ExitStandbyCommand).map((call) => call.args[0].input);
    expect(calls.map((input) => input.InstanceIds?.length)).toEqual([20, 20, 5]);
    expect(calls.flatMap((input) => input.InstanceIds ?? [])).toEqual(ids);
    expect(autoScaling).toHaveReceivedCommandWith(ExitStandbyCommand, { AutoScalingGroupName: GROUP });
  });

  it("sends nothing for no ids", async () => {
    await exitStandby(GROUP, []);

    expect(autoScaling).not.toHaveReceivedCommand(ExitStandbyCommand);
  });
});

describe("terminateInstances", () => {
  it("terminates each instance, decrementing desired capacity when asked", async () => {
    await terminateInstances(["i-0aaa000000000001", "i-0aaa000000000002"], true);

    expect(autoScaling).toHaveReceivedCommandTimes(TerminateInstanceInAutoScalingGroupCommand, 2);
    expect(autoScaling).toHaveReceivedCommandWith(TerminateInstanceInAutoScalingGroupCommand, {
      InstanceId: "i-0aaa000000000001",
      ShouldDecrementDesiredCapacity: true,
    });
    expect(autoScaling).toHaveReceivedCommandWith(TerminateInstanceInAutoScalingGroupCommand, {
      InstanceId: "i-0aaa000000000002",
      ShouldDecrementDesiredCapacity: true,
    });
  });

  it("keeps desired capacity for Standby instances", async () => {
    await terminateInstances(["i-0aaa000000000003"], false);

    expect(autoScaling).toHaveReceivedCommandWith(TerminateInstanceInAutoScalingGroupCommand, {
      InstanceId: "i-0aaa000000000003",
      ShouldDecrementDesiredCapacity: false,
    });
  });

  it("sends nothing for no ids", async () => {
    await terminateInstances([], true);

    expect(autoScaling).not.toHaveReceivedAnyCommand();
  });
});

describe("markRelease and restoreRelease", () => {
  it("marks the release with a tag new instances inherit", async () => {
    await markRelease(GROUP, "v2");

    expect(autoScaling).toHaveReceivedCommandWith(CreateOrUpdateTagsCommand, {
      Tags: [{ ResourceId: GROUP, ResourceType: "auto-scaling-group", Key: "gantry:release", Value: "v2", PropagateAtLaunch: true }],
    });
  });

  it("puts the previous release back", async () => {
    await restoreRelease(GROUP, "v1");

    expect(autoScaling).toHaveReceivedCommandWith(CreateOrUpdateTagsCommand, {
      Tags: [{ ResourceId: GROUP, ResourceType: "auto-scaling-group", Key: "gantry:release", Value: "v1", PropagateAtLaunch: true }],
    });
    expect(autoScaling).not.toHaveReceivedCommand(DeleteTagsCommand);
  });

  it("deletes the tag when there was no release before", async () => {
    await restoreRelease(GROUP, null);

    expect(autoScaling).toHaveReceivedCommandWith(DeleteTagsCommand, {
      Tags: [{ ResourceId: GROUP, ResourceType: "auto-scaling-group", Key: "gantry:release" }],
    });
    expect(autoScaling).not.toHaveReceivedCommand(CreateOrUpdateTagsCommand);
  });
});

describe("suspendProcesses and resumeProcesses", () => {
  it("sends nothing for no processes", async () => {
    await suspendProcesses(GROUP, []);
    await resumeProcesses(GROUP, []);

    expect(autoScaling).not.toHaveReceivedAnyCommand();
  });

  it("suspends and resumes the named processes", async () => {
    await suspendProcesses(GROUP, ["AZRebalance", "ReplaceUnhealthy"]);
    await resumeProcesses(GROUP, ["AZRebalance"]);

    expect(autoScaling).toHaveReceivedCommandWith(SuspendProcessesCommand, {
      AutoScalingGroupName: GROUP,
      ScalingProcesses: ["AZRebalance", "ReplaceUnhealthy"],
    });
    expect(autoScaling).toHaveReceivedCommandWith(ResumeProcessesCommand, { AutoScalingGroupName: GROUP, ScalingProcesses: ["AZRebalance"] });
  });
});

describe("group sizing and launch template", () => {
  it("sets desired capacity without waiting for the cooldown", async () => {
    await setDesiredCapacity(GROUP, 14);

    expect(autoScaling).toHaveReceivedCommandWith(SetDesiredCapacityCommand, { AutoScalingGroupName: GROUP, DesiredCapacity: 14, HonorCooldown: false });
  });

  it("sets MaxSize alone", async () => {
    await setMaxSize(GROUP, 16);

    expect(autoScaling).toHaveReceivedCommandWith(UpdateAutoScalingGroupCommand, { AutoScalingGroupName: GROUP, MaxSize: 16 });
  });

  it("points the group at a launch template version", async () => {
    await useLaunchTemplateVersion(GROUP, "lt-0123456789abcdef0", "4");

    expect(autoScaling).toHaveReceivedCommandWith(UpdateAutoScalingGroupCommand, {
      AutoScalingGroupName: GROUP,
      LaunchTemplate: { LaunchTemplateId: "lt-0123456789abcdef0", Version: "4" },
    });
  });
});

describe("detachAndTerminate", () => {
  const ec2 = mockClient(EC2Client);
  const ids = (count: number) => Array.from({ length: count }, (_, n) => `i-0ccc${String(n).padStart(12, "0")}`);

  beforeEach(() => {
    autoScaling.on(DetachInstancesCommand).resolves({ Activities: [] });
    ec2.on(TerminateInstancesCommand).resolves({ TerminatingInstances: [] });
  });

  afterEach(() => {
    ec2.reset();
  });

  it("detaches 20 ids a call without touching desired capacity, then terminates up to 1,000 a call", async () => {
    const parked = ids(2500);

    await detachAndTerminate(GROUP, parked);

    const detached = autoScaling.commandCalls(DetachInstancesCommand).map((call) => call.args[0].input);
    expect(detached).toHaveLength(125);
    for (const input of detached) {
      expect(input).toMatchObject({ AutoScalingGroupName: GROUP, ShouldDecrementDesiredCapacity: false });
      expect(input.InstanceIds?.length).toBe(20);
    }
    expect(detached.flatMap((input) => input.InstanceIds ?? [])).toEqual(parked);
    const terminated = ec2.commandCalls(TerminateInstancesCommand).map((call) => call.args[0].input.InstanceIds ?? []);
    expect(terminated.map((chunk) => chunk.length)).toEqual([1000, 1000, 500]);
    expect(terminated.flat()).toEqual(parked);
  });

  it("when a detach fails, terminates what was detached (no longer the group's) and fails; the rest stays parked", async () => {
    const parked = ids(45);
    autoScaling.on(DetachInstancesCommand, { InstanceIds: parked.slice(20, 40) }).rejects(Object.assign(new Error("Rate exceeded"), { name: "Throttling" }));

    await expect(detachAndTerminate(GROUP, parked)).rejects.toThrow("Rate exceeded");

    expect(ec2).toHaveReceivedCommandTimes(TerminateInstancesCommand, 1);
    expect(ec2).toHaveReceivedCommandWith(TerminateInstancesCommand, { InstanceIds: [...parked.slice(0, 20), ...parked.slice(40)] });
  });

  it("fails naming the detached instances EC2 did not terminate, and the command that does", async () => {
    const parked = ids(1500);
    ec2
      .on(TerminateInstancesCommand, { InstanceIds: parked.slice(1000) })
      .rejects(Object.assign(new Error("not authorized"), { name: "UnauthorizedOperation" }));

    const failure = detachAndTerminate(GROUP, parked);

    await expect(failure).rejects.toThrow(expect.objectContaining({ name: "DetachedNotTerminatedError" }));
    await expect(failure).rejects.toThrow(
      `Detached 500 retired instance(s) from group "${GROUP}" but EC2 did not terminate them (UnauthorizedOperation: not authorized); they run outside the group: aws ec2 terminate-instances --instance-ids ${parked.slice(1000).join(" ")}`,
    );
  });

  it("terminates nothing when every detach fails", async () => {
    autoScaling.on(DetachInstancesCommand).rejects(Object.assign(new Error("Rate exceeded"), { name: "Throttling" }));

    await expect(detachAndTerminate(GROUP, ids(45))).rejects.toThrow("Rate exceeded");

    expect(ec2).not.toHaveReceivedCommand(TerminateInstancesCommand);
  });
});
