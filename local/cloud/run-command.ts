import type {
  Command,
  CommandInvocation,
  GetCommandInvocationCommandInput,
  GetCommandInvocationCommandOutput,
  ListCommandInvocationsCommandInput,
  ListCommandInvocationsCommandOutput,
  ListCommandsCommandInput,
  ListCommandsCommandOutput,
  SendCommandCommandInput,
  SendCommandCommandOutput,
} from "@aws-sdk/client-ssm";
import { ec2State } from "./ec2.js";
import { CloudFault, LocalCloudSetupError, LocalCloudUnsupportedError } from "./errors.js";
import type { Fleet } from "./fleet.js";
import { byKey, onlyParameters, page, type Operations, type Result } from "./operations.js";
import { DOCUMENT, pageSize, PLUGIN, readSendCommand } from "./run-command-input.js";
import { commandStatus, invocationStatus, type InvocationRecord, type InvocationStatus } from "./run-command-status.js";

/** How an instance's SSM Agent behaves (see `setSsmAgent`). */
export type SsmAgentState = "online" | "absent" | "unreachable" | "hangs";

/** A scripted failure of an instance's next deploy (see `failNextDeploy`). */
export interface DeployFailure {
  exitCode: number;
  stdout?: string;
  stderr?: string;
}

/**
 * Right after SendCommand an invocation does not exist yet: GetCommandInvocation answers
 * InvocationDoesNotExist, which the SDK's own waiter (waitUntilCommandExecuted) retries on. The
 * model creates invocations this long after the call, Pending, and delivers them after a second.
 */
const CREATE_MS = 500;
const DELIVER_MS = 1000;

interface CommandRecord {
  commandId: string;
  comment: string;
  commands: string[];
  release: string;
  executionTimeoutSeconds: number;
  timeoutSeconds: number;
  requestedAt: number;
  expiresAt: number;
  invocations: InvocationRecord[];
}

/**
 * SSM Run Command for in-place deploys: SendCommand of AWS-RunShellScript, each invocation moving
 * on the cloud's clock (created, delivered, run by the instance driver's `deploy`, ended by its
 * outcome or a timeout), and the reads gantry polls. Status rules are in run-command-status.ts.
 */
export class RunCommand {
  private readonly commands = new Map<string, CommandRecord>();
  private readonly agents = new Map<string, { state: SsmAgentState; since: number }>();
  private readonly failures = new Map<string, DeployFailure>();
  private readonly deployMs: number;

  constructor(
    private readonly fleet: Fleet,
    options: { deploySeconds?: number } = {},
  ) {
    this.deployMs = (options.deploySeconds ?? 10) * 1000;
    fleet.onSettle.push((now) => this.advance(now));
  }

  setAgent(instanceId: string, state: SsmAgentState, now: number): void {
    if (!this.fleet.instances.has(instanceId)) throw new LocalCloudSetupError(`No instance ${instanceId} in this local cloud.`);
    this.agents.set(instanceId, { state, since: now });
  }

  failNextDeploy(instanceId: string, failure: DeployFailure): void {
    if (!this.fleet.instances.has(instanceId)) throw new LocalCloudSetupError(`No instance ${instanceId} in this local cloud.`);
    this.failures.set(instanceId, failure);
  }

  operations(): Operations {
    return {
      SendCommand: (input: SendCommandCommandInput) => this.send(input),
      GetCommandInvocation: (input: GetCommandInvocationCommandInput) => this.getInvocation(input),
      ListCommands: (input: ListCommandsCommandInput) => this.listCommands(input),
      ListCommandInvocations: (input: ListCommandInvocationsCommandInput) => this.listInvocations(input),
    };
  }

  private agent(instanceId: string): SsmAgentState {
    return this.agents.get(instanceId)?.state ?? "online";
  }

  private send(input: SendCommandCommandInput): Result<SendCommandCommandOutput> {
    onlyParameters("ssm", "SendCommand", input, ["DocumentName", "InstanceIds", "Parameters", "TimeoutSeconds", "Comment"]);
    const { ids, timeoutSeconds, comment, commands, executionTimeoutSeconds, release } = readSendCommand(input);
    const now = this.fleet.clock.now();
    const invalid = ids.filter((id) => {
      const instance = this.fleet.instances.get(id);
      const state = instance ? ec2State(instance, now) : "terminated";
      return state === "terminated" || state === "shutting-down" || this.agent(id) === "absent";
    });
    if (invalid.length > 0) {
      throw new CloudFault("InvalidInstanceId", `Instances [[${invalid.join(", ")}]] not in a valid state for account ${this.fleet.ids.accountId}`);
    }
    if (!this.fleet.driver.deploy) throw new LocalCloudUnsupportedError("ssm", "SendCommand", "InstanceIds (this instance driver cannot run a deploy)");
    const record: CommandRecord = {
      commandId: this.fleet.ids.uuid(),
      comment,
      commands,
      release,
      executionTimeoutSeconds,
      timeoutSeconds,
      requestedAt: now,
      // "ExpiresAfter is calculated based on the total timeout": delivery timeout plus execution timeout.
      expiresAt: now + (timeoutSeconds + executionTimeoutSeconds) * 1000,
      invocations: ids.map((instanceId) => ({ instanceId, createdAt: now + CREATE_MS, deliverAt: now + DELIVER_MS })),
    };
    this.commands.set(record.commandId, record);
    // SendCommand answers before any invocation exists: Pending, every count 0.
    return {
      Command: {
        ...this.describe(record, now),
        Status: "Pending",
        StatusDetails: "Pending",
        CompletedCount: 0,
        ErrorCount: 0,
        DeliveryTimedOutCount: 0,
        TargetCount: 0,
      },
    };
  }

  /** Moves every invocation to where it is at `now`: delivered, its deploy started, ended. */
  private advance(now: number): void {
    for (const command of this.commands.values()) {
      for (const invocation of command.invocations) this.advanceInvocation(command, invocation, now);
    }
  }

  private advanceInvocation(command: CommandRecord, invocation: InvocationRecord, now: number): void {
    if (invocation.end) {
      this.recordRelease(command, invocation, now);
      return;
    }
    const instance = this.fleet.instances.get(invocation.instanceId);
    if (invocation.startedAt === undefined) {
      const gone = instance === undefined || instance.terminatedAt !== undefined;
      if (gone && (instance?.terminatedAt ?? now) < command.expiresAt) {
        invocation.end = { at: Math.max(invocation.createdAt, instance?.terminatedAt ?? now), status: "Undeliverable" };
        return;
      }
      const agent = this.agents.get(invocation.instanceId);
      const reachable = (agent?.state ?? "online") === "online" || agent?.state === "hangs";
      const start = Math.max(invocation.deliverAt, agent?.since ?? 0);
      if (!reachable || !instance || ec2State(instance, now) !== "running" || start > now || start >= command.expiresAt) {
        if (now >= command.expiresAt) invocation.end = { at: command.expiresAt, status: "DeliveryTimedOut" };
        return;
      }
      invocation.startedAt = start;
      if (agent?.state === "hangs") return;
      this.startDeploy(command, invocation, start);
    }
    const deadline = invocation.startedAt + command.executionTimeoutSeconds * 1000;
    const outcome = invocation.outcome;
    if (outcome && outcome.finishedAt <= now && outcome.finishedAt <= deadline) {
      invocation.end = { at: outcome.finishedAt, status: outcome.exitCode === 0 ? "Success" : "Failed" };
      this.recordRelease(command, invocation, now);
    } else if (now >= deadline) {
      invocation.end = { at: deadline, status: "ExecutionTimedOut" };
    }
  }

  private startDeploy(command: CommandRecord, invocation: InvocationRecord, at: number): void {
    const failure = this.failures.get(invocation.instanceId);
    if (failure) {
      this.failures.delete(invocation.instanceId);
      invocation.outcome = { exitCode: failure.exitCode, stdout: failure.stdout ?? "", stderr: failure.stderr ?? "", finishedAt: at + this.deployMs };
      return;
    }
    const instance = this.fleet.instances.get(invocation.instanceId)!;
    const running = this.fleet.driver.deploy!(instance, command.release, at);
    if (!(running instanceof Promise)) {
      invocation.outcome = running;
      return;
    }
    running.then(
      (outcome) => (invocation.outcome = outcome),
      (error: Error) => (invocation.outcome = { exitCode: 1, stdout: "", stderr: error.message, finishedAt: this.fleet.clock.now() }),
    );
  }

  /** A deploy that exited 0 leaves the instance running its release (the tag is gantry's to write). */
  private recordRelease(command: CommandRecord, invocation: InvocationRecord, now: number): void {
    if (invocation.recorded || invocation.end?.status !== "Success" || invocation.end.at > now) return;
    invocation.recorded = true;
    const instance = this.fleet.instances.get(invocation.instanceId);
    if (instance) instance.runningRelease = command.release;
  }

  private find(commandId: string | undefined): CommandRecord {
    const command = this.commands.get(commandId ?? "");
    if (!command) throw new CloudFault("InvalidCommandId", `Invalid command id ${commandId ?? "(none)"}.`);
    return command;
  }

  private getInvocation(input: GetCommandInvocationCommandInput): Result<GetCommandInvocationCommandOutput> {
    onlyParameters("ssm", "GetCommandInvocation", input, ["CommandId", "InstanceId", "PluginName"]);
    const command = this.find(input.CommandId);
    if (input.PluginName !== undefined && input.PluginName !== PLUGIN)
      throw new CloudFault("InvalidPluginName", `The plugin name ${input.PluginName} isn't valid.`);
    const now = this.fleet.clock.now();
    const invocation = command.invocations.find((i) => i.instanceId === input.InstanceId);
    if (!invocation || invocation.createdAt > now) {
      throw new CloudFault("InvocationDoesNotExist", "The command ID and managed node ID you specified didn't match any invocations.");
    }
    const status = invocationStatus(invocation, now);
    const ended = invocation.end && invocation.end.at <= now ? invocation.end.at : undefined;
    return {
      CommandId: command.commandId,
      InstanceId: invocation.instanceId,
      Comment: command.comment,
      DocumentName: DOCUMENT,
      DocumentVersion: "$DEFAULT",
      PluginName: PLUGIN,
      ResponseCode: status.responseCode,
      ExecutionStartDateTime: invocation.startedAt !== undefined && invocation.startedAt <= now ? new Date(invocation.startedAt).toISOString() : "",
      ExecutionElapsedTime: invocation.startedAt !== undefined ? elapsed((ended ?? now) - invocation.startedAt) : "",
      ExecutionEndDateTime: ended !== undefined && invocation.startedAt !== undefined ? new Date(ended).toISOString() : "",
      Status: status.status,
      StatusDetails: status.details,
      StandardOutputContent: status.stdout,
      StandardOutputUrl: "",
      StandardErrorContent: status.stderr,
      StandardErrorUrl: "",
      CloudWatchOutputConfig: { CloudWatchLogGroupName: "", CloudWatchOutputEnabled: false },
    };
  }

  private listCommands(input: ListCommandsCommandInput): Result<ListCommandsCommandOutput> {
    onlyParameters("ssm", "ListCommands", input, ["CommandId", "MaxResults", "NextToken"]);
    const now = this.fleet.clock.now();
    const limit = pageSize(input.MaxResults);
    const records = input.CommandId !== undefined ? [this.find(input.CommandId)] : [...this.commands.values()].sort(byKey((c) => c.commandId));
    const result = page(records, (c) => c.commandId, limit, input.NextToken, "InvalidNextToken");
    return { Commands: result.items.map((c) => this.describe(c, now)), ...(result.nextToken ? { NextToken: result.nextToken } : {}) };
  }

  private listInvocations(input: ListCommandInvocationsCommandInput): Result<ListCommandInvocationsCommandOutput> {
    onlyParameters("ssm", "ListCommandInvocations", input, ["CommandId", "Details", "MaxResults", "NextToken"]);
    const command = this.find(input.CommandId);
    const now = this.fleet.clock.now();
    const limit = pageSize(input.MaxResults);
    const created = command.invocations.filter((i) => i.createdAt <= now).sort(byKey((i) => i.instanceId));
    const result = page(created, (i) => i.instanceId, limit, input.NextToken, "InvalidNextToken");
    return {
      CommandInvocations: result.items.map((invocation) => describeInvocation(command, invocation, now, Boolean(input.Details))),
      ...(result.nextToken ? { NextToken: result.nextToken } : {}),
    };
  }

  private describe(record: CommandRecord, now: number): Command {
    const summary = commandStatus(record.invocations, now);
    return {
      CommandId: record.commandId,
      DocumentName: DOCUMENT,
      DocumentVersion: "$DEFAULT",
      Comment: record.comment,
      ExpiresAfter: new Date(record.expiresAt),
      Parameters: { commands: [...record.commands], executionTimeout: [String(record.executionTimeoutSeconds)] },
      InstanceIds: record.invocations.map((i) => i.instanceId),
      Targets: [],
      RequestedDateTime: new Date(record.requestedAt),
      Status: summary.status,
      StatusDetails: summary.details,
      OutputS3Region: this.fleet.ids.region,
      OutputS3BucketName: "",
      OutputS3KeyPrefix: "",
      MaxConcurrency: "50",
      MaxErrors: "0",
      TargetCount: record.invocations.length,
      CompletedCount: summary.completed,
      ErrorCount: summary.errors,
      DeliveryTimedOutCount: summary.deliveryTimedOut,
      ServiceRole: "",
      CloudWatchOutputConfig: { CloudWatchLogGroupName: "", CloudWatchOutputEnabled: false },
      TimeoutSeconds: record.timeoutSeconds,
    };
  }
}

function describeInvocation(command: CommandRecord, invocation: InvocationRecord, now: number, details: boolean): CommandInvocation {
  const status = invocationStatus(invocation, now);
  const ended = invocation.end && invocation.end.at <= now ? invocation.end.at : undefined;
  return {
    CommandId: command.commandId,
    InstanceId: invocation.instanceId,
    InstanceName: "",
    Comment: command.comment,
    DocumentName: DOCUMENT,
    DocumentVersion: "$DEFAULT",
    RequestedDateTime: new Date(command.requestedAt),
    Status: status.status,
    StatusDetails: status.details,
    TraceOutput: "",
    StandardOutputUrl: "",
    StandardErrorUrl: "",
    ...(details
      ? {
          CommandPlugins: [
            {
              Name: PLUGIN,
              Status: status.status === "Delayed" || status.status === "Cancelling" ? "InProgress" : status.status,
              StatusDetails: status.details,
              ResponseCode: status.responseCode,
              ...(invocation.startedAt !== undefined && invocation.startedAt <= now ? { ResponseStartDateTime: new Date(invocation.startedAt) } : {}),
              ...(ended !== undefined ? { ResponseFinishDateTime: new Date(ended) } : {}),
              Output: pluginOutput(status),
              StandardOutputUrl: "",
              StandardErrorUrl: "",
              OutputS3Region: "",
              OutputS3BucketName: "",
              OutputS3KeyPrefix: "",
            },
          ],
        }
      : {}),
    ServiceRole: "",
    CloudWatchOutputConfig: { CloudWatchLogGroupName: "", CloudWatchOutputEnabled: false },
  };
}

/** A plugin's `Output` holds up to 2,500 characters (CommandPlugin); the agent marks where stderr begins. */
function pluginOutput(status: InvocationStatus): string {
  const text = status.stderr ? `${status.stdout}\n----------ERROR-------\n${status.stderr}` : status.stdout;
  return text.slice(0, 2500);
}

/** ISO 8601 duration, as ExecutionElapsedTime is written (`PT1H0.271S`, `PT10.5S`). */
function elapsed(ms: number): string {
  const hours = Math.floor(ms / 3_600_000);
  const minutes = Math.floor((ms % 3_600_000) / 60_000);
  const seconds = (ms % 60_000) / 1000;
  return `PT${hours > 0 ? `${hours}H` : ""}${minutes > 0 ? `${minutes}M` : ""}${seconds}S`;
}
