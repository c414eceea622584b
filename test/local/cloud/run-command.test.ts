import {
  DuplicateInstanceId,
  GetCommandInvocationCommand,
  InvalidCommandId,
  InvalidDocument,
  InvalidInstanceId,
  InvalidParameters,
  InvocationDoesNotExist,
  ListCommandInvocationsCommand,
  ListCommandsCommand,
  SendCommandCommand,
  SSMClient,
  type SendCommandCommandInput,
} from "@aws-sdk/client-ssm";
import { TerminateInstanceInAutoScalingGroupCommand } from "@aws-sdk/client-auto-scaling";
import { describe, expect, it } from "vitest";
import { attachLocalCloud } from "../../../local/cloud/index.js";
import { GROUP, helloFleet, seconds } from "./fixtures.js";

function runCommandFleet() {
  const fleet = helloFleet();
  const ssm = attachLocalCloud(new SSMClient({ region: "eu-west-1", credentials: { accessKeyId: "x", secretAccessKey: "y" } }), fleet.cloud);
  const ids = fleet.cloud.snapshot(GROUP).instances.map((i) => i.instanceId);
  const deploy = async (instanceIds: string[], release = "0123456789ab", extra: Partial<SendCommandCommandInput> = {}) => {
    const out = await ssm.send(
      new SendCommandCommand({
        DocumentName: "AWS-RunShellScript",
        InstanceIds: instanceIds,
        Parameters: { commands: [`/usr/local/bin/gantry-deploy ${release}`] },
        ...extra,
      }),
    );
    return out.Command!.CommandId!;
  };
  const invocation = (CommandId: string, InstanceId: string) => ssm.send(new GetCommandInvocationCommand({ CommandId, InstanceId }));
  const command = async (CommandId: string) => (await ssm.send(new ListCommandsCommand({ CommandId }))).Commands![0]!;
  return { ...fleet, ssm, ids, deploy, invocation, command };
}

describe("SendCommand", () => {
  it("answers the command Pending with every count 0, and its invocations do not exist at first", async () => {
    const f = runCommandFleet();

    const out = await f.ssm.send(
      new SendCommandCommand({
        DocumentName: "AWS-RunShellScript",
        InstanceIds: f.ids.slice(0, 2),
        Parameters: { commands: ["/usr/local/bin/gantry-deploy 0123456789ab"] },
        Comment: "gantry deploy 0123456789ab batch 1",
      }),
    );

    expect(out.Command).toMatchObject({
      CommandId: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/),
      DocumentName: "AWS-RunShellScript",
      Comment: "gantry deploy 0123456789ab batch 1",
      InstanceIds: f.ids.slice(0, 2),
      Status: "Pending",
      TargetCount: 0,
      CompletedCount: 0,
      ErrorCount: 0,
      TimeoutSeconds: 3600,
    });
    await expect(f.invocation(out.Command!.CommandId!, f.ids[0]!)).rejects.toBeInstanceOf(InvocationDoesNotExist);
  });

  it("rejects documents other than AWS-RunShellScript", async () => {
    const f = runCommandFleet();

    const call = f.ssm.send(new SendCommandCommand({ DocumentName: "AWS-RunPowerShellScript", InstanceIds: [f.ids[0]!], Parameters: { commands: ["x y"] } }));

    await expect(call).rejects.toBeInstanceOf(InvalidDocument);
  });

  it("rejects more than 50 instance ids with AWS's validation message", async () => {
    const f = runCommandFleet();
    const many = Array.from({ length: 51 }, (_, i) => `i-${String(i).padStart(17, "0")}`);

    const call = f.deploy(many);

    await expect(call).rejects.toMatchObject({ name: "ValidationException" });
    await expect(call).rejects.toThrow(/at 'instanceIds' failed to satisfy constraint: Member must have length less than or equal to 50$/);
  });

  it("rejects a repeated id, an unknown one and one whose agent is absent", async () => {
    const f = runCommandFleet();
    f.cloud.setSsmAgent(f.ids[1]!, "absent");

    await expect(f.deploy([f.ids[0]!, f.ids[0]!])).rejects.toBeInstanceOf(DuplicateInstanceId);
    await expect(f.deploy([f.ids[0]!, "i-0000000000000dead"])).rejects.toThrow(
      "Instances [[i-0000000000000dead]] not in a valid state for account 123456789012",
    );
    await expect(f.deploy([f.ids[1]!])).rejects.toBeInstanceOf(InvalidInstanceId);
  });

  it("rejects a delivery timeout under 30 s, a comment over 100 characters and a bad executionTimeout", async () => {
    const f = runCommandFleet();
    const id = f.ids[0]!;

    await expect(f.deploy([id], "r2", { TimeoutSeconds: 10 })).rejects.toThrow(
      "1 validation error detected: Value '10' at 'timeoutSeconds' failed to satisfy constraint: Member must have value greater than or equal to 30",
    );
    await expect(f.deploy([id], "r2", { Comment: "x".repeat(101) })).rejects.toMatchObject({ name: "ValidationException" });
    await expect(f.deploy([id], "r2", { Parameters: { commands: ["/usr/local/bin/gantry-deploy r2"], executionTimeout: ["ten"] } })).rejects.toBeInstanceOf(
      InvalidParameters,
    );
  });
});

describe("a Run Command deploy on virtual instances", () => {
  it("goes Pending, InProgress after a second, then Success after deploySeconds, the instance running the release", async () => {
    const f = runCommandFleet();
    const [id] = f.ids as [string];
    const commandId = await f.deploy([id], "r2");

    f.clock.advance(500);
    const pending = await f.invocation(commandId, id);
    f.clock.advance(500);
    const inProgress = await f.invocation(commandId, id);
    const runningDuring = f.cloud.runningRelease(id);
    f.clock.advance(seconds(10));
    const done = await f.invocation(commandId, id);

    expect(pending).toMatchObject({ Status: "Pending", StatusDetails: "Pending", ResponseCode: -1, ExecutionStartDateTime: "" });
    expect(inProgress).toMatchObject({ Status: "InProgress", StatusDetails: "InProgress", ResponseCode: -1 });
    expect(runningDuring).toBe("r1");
    expect(done).toMatchObject({
      Status: "Success",
      StatusDetails: "Success",
      ResponseCode: 0,
      PluginName: "aws:runShellScript",
      ExecutionElapsedTime: "PT10S",
      StandardErrorContent: "",
    });
    expect(done.StandardOutputContent).toContain(`deployed r2 on ${id}`);
    expect(await f.command(commandId)).toMatchObject({ Status: "Success", TargetCount: 1, CompletedCount: 1, ErrorCount: 0 });
    expect(f.cloud.snapshot(GROUP).instances[0]).toMatchObject({ release: "r1", runningRelease: "r2" });
    expect(JSON.parse((await f.cloud.httpProbe(id, "/version")).body)).toEqual({ release: "r2" });
  });

  it("makes the instance's health follow the release it now runs", async () => {
    const f = runCommandFleet();
    const [id] = f.ids as [string];
    f.cloud.setReleaseHealth("r2", "unhealthy");

    await f.deploy([id], "r2");
    f.clock.advance(seconds(11));

    expect((await f.cloud.httpProbe(id, "/health")).status).toBe(503);
    expect((await f.cloud.httpProbe(f.ids[1]!, "/health")).status).toBe(200);
  });

  it("fails a deploy scripted with failNextDeploy, with its exit code and output, the release unchanged", async () => {
    const f = runCommandFleet();
    const [bad, good] = f.ids as [string, string];
    f.cloud.failNextDeploy(bad, { exitCode: 3, stdout: "installing release r2\n", stderr: "slug checksum mismatch\n" });

    const commandId = await f.deploy([bad, good], "r2");
    f.clock.advance(seconds(11));
    const failed = await f.invocation(commandId, bad);
    const retry = await f.deploy([bad], "r2");
    f.clock.advance(seconds(11));

    expect(failed).toMatchObject({
      Status: "Failed",
      StatusDetails: "Failed",
      ResponseCode: 3,
      StandardOutputContent: "installing release r2\n",
      StandardErrorContent: "slug checksum mismatch\n",
    });
    expect(await f.command(commandId)).toMatchObject({ Status: "Failed", StatusDetails: "Failed", CompletedCount: 2, ErrorCount: 1 });
    expect(await f.invocation(commandId, good)).toMatchObject({ Status: "Success" });
    expect((await f.invocation(retry, bad)).Status).toBe("Success");
    expect(f.cloud.runningRelease(bad)).toBe("r2");
  });

  it("cuts output to the first 24,000 characters of stdout and 8,000 of stderr", async () => {
    const f = runCommandFleet();
    const [id] = f.ids as [string];
    f.cloud.failNextDeploy(id, { exitCode: 1, stdout: "o".repeat(30_000), stderr: "e".repeat(9_000) });

    const commandId = await f.deploy([id]);
    f.clock.advance(seconds(11));
    const out = await f.invocation(commandId, id);

    expect(out.StandardOutputContent).toHaveLength(24_000);
    expect(out.StandardErrorContent).toHaveLength(8_000);
  });

  it("leaves an unreachable agent's invocation Pending until the command expires, then DeliveryTimedOut", async () => {
    const f = runCommandFleet();
    const [id] = f.ids as [string];
    f.cloud.setSsmAgent(id, "unreachable");

    const commandId = await f.deploy([id], "r2", {
      TimeoutSeconds: 60,
      Parameters: { commands: ["/usr/local/bin/gantry-deploy r2"], executionTimeout: ["120"] },
    });
    f.clock.advance(seconds(179));
    const before = await f.invocation(commandId, id);
    f.clock.advance(seconds(1));

    expect(before).toMatchObject({ Status: "Pending" });
    expect(await f.invocation(commandId, id)).toMatchObject({ Status: "TimedOut", StatusDetails: "DeliveryTimedOut", ResponseCode: -1 });
    expect(await f.command(commandId)).toMatchObject({ Status: "TimedOut", StatusDetails: "DeliveryTimedOut", DeliveryTimedOutCount: 1, ErrorCount: 0 });
    expect(f.cloud.runningRelease(id)).toBe("r1");
  });

  it("fails an invocation as Undeliverable when its instance is terminated before the command reaches it", async () => {
    const f = runCommandFleet();
    const [id] = f.ids as [string];
    f.cloud.setSsmAgent(id, "unreachable");
    const commandId = await f.deploy([id], "r2");

    await f.autoScaling.send(new TerminateInstanceInAutoScalingGroupCommand({ InstanceId: id, ShouldDecrementDesiredCapacity: true }));
    f.clock.advance(seconds(31));

    expect(await f.invocation(commandId, id)).toMatchObject({ Status: "Failed", StatusDetails: "Undeliverable", ResponseCode: -1 });
    expect(await f.command(commandId)).toMatchObject({ Status: "Failed", CompletedCount: 1, ErrorCount: 0 });
  });

  it("keeps a hung agent's invocation InProgress until the execution timeout, then ExecutionTimedOut", async () => {
    const f = runCommandFleet();
    const [id] = f.ids as [string];
    f.cloud.setSsmAgent(id, "hangs");

    const commandId = await f.deploy([id], "r2", { Parameters: { commands: ["/usr/local/bin/gantry-deploy r2"], executionTimeout: ["60"] } });
    f.clock.advance(seconds(60));
    const before = await f.invocation(commandId, id);
    f.clock.advance(seconds(1));

    expect(before).toMatchObject({ Status: "InProgress" });
    expect(await f.invocation(commandId, id)).toMatchObject({ Status: "TimedOut", StatusDetails: "ExecutionTimedOut", ExecutionElapsedTime: "PT1M0S" });
    expect(await f.command(commandId)).toMatchObject({ Status: "TimedOut", StatusDetails: "ExecutionTimedOut", ErrorCount: 1 });
  });

  it("answers InvalidCommandId for an unknown command and InvocationDoesNotExist for an instance it was not sent to", async () => {
    const f = runCommandFleet();
    const commandId = await f.deploy([f.ids[0]!]);
    f.clock.advance(seconds(2));

    await expect(f.invocation("00000000-0000-4000-8000-00000000dead", f.ids[0]!)).rejects.toBeInstanceOf(InvalidCommandId);
    await expect(f.ssm.send(new ListCommandsCommand({ CommandId: "00000000-0000-4000-8000-00000000dead" }))).rejects.toBeInstanceOf(InvalidCommandId);
    await expect(f.invocation(commandId, f.ids[1]!)).rejects.toBeInstanceOf(InvocationDoesNotExist);
  });

  it("lists invocations in pages of MaxResults, with plugin details when asked", async () => {
    const f = runCommandFleet();
    const commandId = await f.deploy(f.ids.slice(0, 3), "r2");
    const early = await f.ssm.send(new ListCommandInvocationsCommand({ CommandId: commandId }));
    f.clock.advance(seconds(11));

    const first = await f.ssm.send(new ListCommandInvocationsCommand({ CommandId: commandId, Details: true, MaxResults: 2 }));
    const second = await f.ssm.send(new ListCommandInvocationsCommand({ CommandId: commandId, Details: true, MaxResults: 2, NextToken: first.NextToken }));

    expect(early.CommandInvocations).toEqual([]);
    expect(first.CommandInvocations?.map((i) => i.InstanceId)).toEqual(f.ids.slice(0, 2));
    expect(second.CommandInvocations?.map((i) => i.InstanceId)).toEqual(f.ids.slice(2, 3));
    expect(second.NextToken).toBeUndefined();
    expect(first.CommandInvocations?.[0]).toMatchObject({
      Status: "Success",
      CommandPlugins: [{ Name: "aws:runShellScript", Status: "Success", ResponseCode: 0 }],
    });
    expect(first.CommandInvocations?.[0]?.CommandPlugins?.[0]?.Output).toContain("deployed r2 on");
  });
});
