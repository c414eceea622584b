import { GetCommandInvocationCommand, ListCommandsCommand, SendCommandCommand, SSMClient } from "@aws-sdk/client-ssm";
import pLimit from "p-limit";
import { commandChunks, deployCommandLine, outputTail, type InvocationResult } from "../../core/rollout/in-place.js";
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

/**
 * Runs `<command> <release>` as root on the instances (AWS-RunShellScript), 50 a call as
 * SendCommand takes them; returns one command id per chunk, in the chunks' order.
 */
export async function sendDeployCommand(instanceIds: readonly string[], deploy: DeployCommand): Promise<string[]> {
  const ssm = runtime().client(SSMClient);
  return Promise.all(
    commandChunks(instanceIds).map((chunk) =>
      limit(async () => {
        const answer = await ssm.send(
          new SendCommandCommand({
            DocumentName: "AWS-RunShellScript",
            InstanceIds: chunk,
            Parameters: { commands: [deployCommandLine(deploy.command, deploy.release)], executionTimeout: [String(deploy.timeoutSeconds)] },
            TimeoutSeconds: DELIVERY_TIMEOUT_SECONDS,
            Comment: deploy.comment.slice(0, 100),
          }),
        );
        const id = answer.Command?.CommandId;
        if (!id) throw new Error(`SendCommand for ${chunk.length} instance(s) answered without a command id.`);
        return id;
      }),
    ),
  );
}

/**
 * Where each instance's invocation stands. One ListCommands call per command tells whether it
 * is over and whether all went well; only a command that ended otherwise is read instance by
 * instance (GetCommandInvocation), for the statuses and output tails a cause needs.
 */
export async function readDeployCommand(commandIds: readonly string[], instanceIds: readonly string[]): Promise<InvocationResult[]> {
  const ssm = runtime().client(SSMClient);
  const chunks = commandChunks(instanceIds);
  const perCommand = await Promise.all(
    commandIds.map((commandId, index) =>
      limit(async () => {
        const chunk = chunks[index] ?? [];
        const listed = await ssm.send(new ListCommandsCommand({ CommandId: commandId }));
        const status = listed.Commands?.[0]?.Status ?? "Pending";
        if (status === "Pending" || status === "InProgress" || status === "Cancelling") return chunk.map((instanceId) => ({ instanceId, status }));
        if (status === "Success") return chunk.map((instanceId) => ({ instanceId, status }));
        return Promise.all(chunk.map((instanceId) => invocationLimit(() => readInvocation(commandId, instanceId))));
      }),
    ),
  );
  return perCommand.flat();
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
