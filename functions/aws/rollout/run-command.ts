import { GetCommandInvocationCommand, ListCommandsCommand, SendCommandCommand, SSMClient } from "@aws-sdk/client-ssm";
import pLimit from "p-limit";
import { commandChunks, deployCommandLine, outputTail, type InvocationResult } from "../../core/rollout/in-place.js";
import { DeployCommandFailedError } from "../../core/errors.js";
import { runtime } from "../runtime.js";

/** Run Command's API rates are per account and unpublished per call; four in flight is gentle. */
const limit = pLimit(4);
/**
 * The per-instance reads of a command that ended badly have their own four: they run inside a
 * command's slot of `limit`, and queued on it they would wait for the slots their callers hold.
 */
const invocationLimit = pLimit(4);

/**
 * How long Run Command may try to reach an instance's agent before the invocation ends as
 * DeliveryTimedOut (SendCommand's TimeoutSeconds, at least 30): an agent that is not there is
 * known within a minute rather than the default hour.
 */
const DELIVERY_TIMEOUT_SECONDS = 60;

export interface DeployCommand {
  /** The instance's deploy command (strategy.inPlace.command). */
  command: string;
  release: string;
  /** How long it may run on one instance (strategy.inPlace.timeoutSeconds). */
  timeoutSeconds: number;
  /** Shown with the command in the Run Command console, e.g. "gantry: hello/prod to 0123456789ab". */
  comment: string;
}

/** The commands sent, and the instances Run Command refused as not managed nodes (no SSM agent, or not registered). */
export interface SentCommands {
  commandIds: string[];
  notManaged: string[];
}

/**
 * Runs `<command> <release>` as root on the instances (AWS-RunShellScript), 50 a call as
 * SendCommand takes them. SendCommand refuses a whole call when one instance is not a managed
 * node (InvalidInstanceId, naming them): the call goes again without those, which are reported.
 */
export async function sendDeployCommand(instanceIds: readonly string[], deploy: DeployCommand): Promise<SentCommands> {
  const sent = await Promise.all(commandChunks(instanceIds).map((chunk) => limit(() => sendChunk(chunk, deploy))));
  return { commandIds: sent.flatMap((one) => one.commandIds), notManaged: sent.flatMap((one) => one.notManaged) };
}

async function sendChunk(chunk: readonly string[], deploy: DeployCommand, refused: readonly string[] = []): Promise<SentCommands> {
  if (chunk.length === 0) return { commandIds: [], notManaged: [...refused] };
  try {
    const answer = await runtime()
      .client(SSMClient)
      .send(
        new SendCommandCommand({
          DocumentName: "AWS-RunShellScript",
          InstanceIds: [...chunk],
          Parameters: { commands: [deployCommandLine(deploy.command, deploy.release)], executionTimeout: [String(deploy.timeoutSeconds)] },
          TimeoutSeconds: DELIVERY_TIMEOUT_SECONDS,
          Comment: deploy.comment.slice(0, 100),
        }),
      );
    const id = answer.Command?.CommandId;
    if (!id) throw new Error(`SendCommand for ${chunk.length} instance(s) answered without a command id.`);
    return { commandIds: [id], notManaged: [...refused] };
  } catch (error) {
    if (!(error instanceof Error) || error.name !== "InvalidInstanceId") throw error;
    const named = chunk.filter((id) => error.message.includes(id));
    if (named.length === 0) {
      throw new DeployCommandFailedError(
        `Run Command refused the deploy command for ${chunk.length} instance(s) (${error.message}): check that the SSM agent runs on them and that the instance profile allows it (AmazonSSMManagedInstanceCore).`,
        { cause: error },
      );
    }
    return sendChunk(
      chunk.filter((id) => !named.includes(id)),
      deploy,
      [...refused, ...named],
    );
  }
}

/**
 * Where each instance's invocation stands. One ListCommands call per command tells whether it
 * is over and whether all went well; only a command that ended otherwise is read instance by
 * instance (GetCommandInvocation), for the statuses and output tails a cause needs.
 */
export async function readDeployCommand(commandIds: readonly string[], instanceIds: readonly string[]): Promise<InvocationResult[]> {
  const ssm = runtime().client(SSMClient);
  const wanted = new Set(instanceIds);
  const perCommand = await Promise.all(
    commandIds.map((commandId) =>
      limit(async () => {
        const listed = await ssm.send(new ListCommandsCommand({ CommandId: commandId }));
        const command = listed.Commands?.[0];
        // The command's own instances, as Run Command lists them: those of this batch.
        const chunk = (command?.InstanceIds ?? []).filter((id) => wanted.has(id));
        const status = command?.Status ?? "Pending";
        if (status === "Pending" || status === "InProgress" || status === "Cancelling") return chunk.map((instanceId) => ({ instanceId, status }));
        if (status === "Success") return chunk.map((instanceId) => ({ instanceId, status }));
        return Promise.all(chunk.map((instanceId) => invocationLimit(() => readInvocation(commandId, instanceId))));
      }),
    ),
  );
  // One result per instance, even where an emulator lists an instance under several commands.
  return [...new Map(perCommand.flat().map((result) => [result.instanceId, result])).values()];
}

async function readInvocation(commandId: string, instanceId: string): Promise<InvocationResult> {
  try {
    const answer = await runtime()
      .client(SSMClient)
      .send(new GetCommandInvocationCommand({ CommandId: commandId, InstanceId: instanceId }));
    return {
      instanceId,
      status: answer.Status ?? "Pending",
      ...(answer.StatusDetails ? { details: answer.StatusDetails } : {}),
      ...(answer.ResponseCode !== undefined ? { exitCode: answer.ResponseCode } : {}),
      outputTail: outputTail(answer.StandardOutputContent, answer.StandardErrorContent),
    };
  } catch (error) {
    // Right after SendCommand an invocation may not exist yet (SSM API reference, GetCommandInvocation).
    if (error instanceof Error && error.name === "InvocationDoesNotExist") return { instanceId, status: "Pending" };
    throw error;
  }
}
