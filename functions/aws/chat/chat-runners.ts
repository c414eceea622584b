import type { RunnableCommand } from "../../core/chat/chat-commands.js";
import { failedReply, startedReply, statusReply } from "../../core/chat/chat-replies.js";
import { chatTrigger, type ChatJob, type ChatMessage } from "../../core/chat/chat.js";
import { deployInputFor } from "../../core/config/config.js";
import { GantryError } from "../../core/errors.js";
import { executionName } from "../../core/executions/naming.js";
import { deployStateMachineArn, startDeploy } from "../executions/executions.js";
import { latestExecution } from "../executions/latest-execution.js";
import { findRelease, lastDeployed } from "../releases/release-history.js";
import { runtime } from "../runtime.js";

type Runner = (job: ChatJob) => Promise<ChatMessage>;

/**
 * What each chat command does once answered, through the same adapters as the webhook and the
 * CLI: deploys and rollbacks start the deploy state machine with `startDeploy`, the release to
 * go back to comes from the release history, the status from the deploy machine's executions.
 */
const RUNNERS: Record<RunnableCommand, Runner> = {
  deploy: async (job) => {
    if (!job.start) return failedReply(job, "the deploy's execution was not decided with the answer; run the command again.");
    const started = await startDeploy({ stateMachineArn: deployStateMachineArn(), ...job.start });
    return startedReply(job, { name: job.start.name, ...started }, { verb: "deploy", release: job.start.input.release.id });
  },

  rollback: async (job) => {
    const { app, env, args } = job.task;
    const current = await lastDeployed(app, env);
    if (!current && !args.release)
      return failedReply(job, `${app}/${env} has no deployed release to roll back from; name one: ${job.command} rollback ${app} ${env} v1`);
    const back = args.release ? await findRelease(app, env, args.release) : await lastDeployed(app, env, { before: current?.number });
    if (!back) return failedReply(job, `${app}/${env} has no deployed release before ${current?.label}; name one: ${job.command} rollback ${app} ${env} v1`);
    const release = { id: back.releaseId, ...(back.ref ? { ref: back.ref } : {}), ...(back.imageId ? { imageId: back.imageId } : {}) };
    const input = deployInputFor(runtime().config(), app, env, release, chatTrigger(job, "rollback", `(to ${back.label})`));
    const name = executionName(app, env, back.releaseId, `rb${job.receivedAt.toString(36)}`);
    const started = await startDeploy({ stateMachineArn: deployStateMachineArn(), name, input });
    return startedReply(
      job,
      { name, ...started },
      { verb: "rollback", release: `${back.label} (${back.releaseId})`, ...(current ? { from: current.label } : {}) },
    );
  },

  status: async (job) => {
    const { app, env } = job.task;
    const [latest, running] = await Promise.all([latestExecution(app, env), lastDeployed(app, env)]);
    return statusReply(job, latest, running);
  },
};

/**
 * Runs one job and returns the message to post: never throws, because the message is all the
 * person will see. gantry's own errors are told in their words; anything else by its name only
 * (the log has the rest).
 */
export async function runChatJob(job: ChatJob): Promise<ChatMessage> {
  try {
    return await RUNNERS[job.task.command](job);
  } catch (error) {
    runtime().logger.error("chat command failed", { function: "chat", subcommand: job.task.command, app: job.task.app, env: job.task.env, error });
    if (error instanceof GantryError) return failedReply(job, error.message);
    const name = error instanceof Error ? error.name : "Error";
    return failedReply(job, `gantry failed (${name}); its log says why. Try again once that is fixed.`);
  }
}
