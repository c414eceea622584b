import {
  GetCommandInvocationCommand,
  InvalidInstanceId,
  InvocationDoesNotExist,
  ListCommandsCommand,
  SendCommandCommand,
  SSMClient,
} from "@aws-sdk/client-ssm";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import { readDeployCommand, sendDeployCommand } from "../../../../functions/aws/rollout/run-command.js";

const ssm = mockClient(SSMClient);

afterEach(() => {
  ssm.reset();
});

const ids = (count: number) => Array.from({ length: count }, (_, index) => `i-${String(index).padStart(17, "0")}`);
const deploy = { command: "/usr/local/bin/gantry-deploy", release: "0123456789ab", timeoutSeconds: 600, comment: "gantry: hello/prod to 0123456789ab" };

describe("sendDeployCommand", () => {
  it("sends the deploy command line 50 instances a call, with its execution timeout, in the chunks' order", async () => {
    let calls = 0;
    ssm.on(SendCommandCommand).callsFake(() => ({ Command: { CommandId: `cmd-${++calls}` } }));

    const sent = await sendDeployCommand(ids(120), deploy);

    expect(sent).toEqual({ commandIds: ["cmd-1", "cmd-2", "cmd-3"], notManaged: [] });
    const inputs = ssm.commandCalls(SendCommandCommand).map((call) => call.args[0].input);
    expect(inputs.map((input) => input.InstanceIds?.length)).toEqual([50, 50, 20]);
    expect(inputs[0]).toMatchObject({
      DocumentName: "AWS-RunShellScript",
      Parameters: { commands: ["/usr/local/bin/gantry-deploy 0123456789ab"], executionTimeout: ["600"] },
      Comment: "gantry: hello/prod to 0123456789ab",
    });
  });

  it("sends again without the instances Run Command refuses as not managed, and reports them", async () => {
    const [first, second, third] = ids(3) as [string, string, string];
    ssm
      .on(SendCommandCommand)
      .rejectsOnce(new InvalidInstanceId({ message: `Instances [[${second}]] not in a valid state for account 123456789012`, $metadata: {} }))
      .resolves({ Command: { CommandId: "cmd-1" } });

    const sent = await sendDeployCommand([first, second, third], deploy);

    expect(sent).toEqual({ commandIds: ["cmd-1"], notManaged: [second] });
    expect(ssm.commandCalls(SendCommandCommand).map((call) => call.args[0].input.InstanceIds)).toEqual([
      [first, second, third],
      [first, third],
    ]);
  });

  it("says what to do when Run Command refuses a call without naming the instances", async () => {
    ssm.on(SendCommandCommand).rejects(new InvalidInstanceId({ message: "Instances not in a valid state", $metadata: {} }));

    await expect(sendDeployCommand(ids(2), deploy)).rejects.toThrow(/refused the deploy command for 2 instance\(s\).*check that the SSM agent runs/);
  });
});

describe("readDeployCommand", () => {
  it("reads one ListCommands per command while they run or succeed, and each instance only of a command that failed", async () => {
    const all = ids(150);
    ssm.on(ListCommandsCommand, { CommandId: "ok" }).resolves({ Commands: [{ Status: "Success", InstanceIds: all.slice(0, 50) }] });
    ssm.on(ListCommandsCommand, { CommandId: "busy" }).resolves({ Commands: [{ Status: "InProgress", InstanceIds: all.slice(50, 100) }] });
    ssm.on(ListCommandsCommand, { CommandId: "bad" }).resolves({ Commands: [{ Status: "Failed", InstanceIds: all.slice(100) }] });
    ssm
      .on(GetCommandInvocationCommand)
      .resolves({ Status: "Failed", StatusDetails: "Failed", ResponseCode: 3, StandardOutputContent: "fetching\n", StandardErrorContent: "unhealthy\n" });
    ssm.on(GetCommandInvocationCommand, { InstanceId: ids(150)[149] }).rejects(new InvocationDoesNotExist({ message: "not yet", $metadata: {} }));

    const results = await readDeployCommand(["ok", "busy", "bad"], ids(150));

    expect(results.slice(0, 2)).toEqual([
      { instanceId: ids(1)[0], status: "Success" },
      { instanceId: ids(2)[1], status: "Success" },
    ]);
    expect(results[50]).toEqual({ instanceId: ids(51)[50], status: "InProgress" });
    expect(results[100]).toEqual({ instanceId: ids(101)[100], status: "Failed", details: "Failed", exitCode: 3, outputTail: ["fetching", "unhealthy"] });
    expect(results[149]).toEqual({ instanceId: ids(150)[149], status: "Pending" });
    expect(ssm.commandCalls(GetCommandInvocationCommand)).toHaveLength(50);
  });

  it("reads each command's instances from Run Command, one result per instance of the batch", async () => {
    const [first, second] = ids(2) as [string, string];
    // An emulator may list every instance it knows under each command: only the batch's count, once.
    ssm.on(ListCommandsCommand).resolves({ Commands: [{ Status: "Success", InstanceIds: [first, second, "i-elsewhere"] }] });

    expect(await readDeployCommand(["one", "two"], [first, second])).toEqual([
      { instanceId: first, status: "Success" },
      { instanceId: second, status: "Success" },
    ]);
  });

  it("finishes when more commands failed than calls may run at once: the per-instance reads do not wait on their callers' slots", async () => {
    const all = ids(300);
    const commands = ["a", "b", "c", "d", "e", "f"];
    commands.forEach((CommandId, index) =>
      ssm.on(ListCommandsCommand, { CommandId }).resolves({ Commands: [{ Status: "Failed", InstanceIds: all.slice(index * 50, index * 50 + 50) }] }),
    );
    ssm.on(GetCommandInvocationCommand).resolves({ Status: "Failed", StatusDetails: "Undeliverable", ResponseCode: -1 });

    const results = await readDeployCommand(commands, ids(300));

    expect(results).toHaveLength(300);
    expect(results.every((result) => result.details === "Undeliverable")).toBe(true);
  });
});
