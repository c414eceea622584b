import { consoleUrlFor } from "../executions/execution-links.js";
import type { ReleaseRecord } from "../releases/releases.js";
import type { ChatJob, ChatMessage } from "./chat.js";
import { escapeText } from "./chat-commands.js";

/** The newest execution of an app/env, as a status reply shows it. */
export interface LatestExecution {
  name: string;
  executionArn: string;
  /** RUNNING, SUCCEEDED, FAILED, … as Step Functions (or local mode) reports it. */
  status: string;
  release?: string;
  trigger?: string;
  startedAt: number;
  stoppedAt?: number;
  cause?: string;
}

/** A started (or already started) deploy or rollback, for the channel to see. */
export function startedReply(
  job: ChatJob,
  started: { name: string; executionArn: string; alreadyHandled: boolean },
  what: { verb: "deploy" | "rollback"; release: string; from?: string },
): ChatMessage {
  const where = `${job.task.app}/${job.task.env}`;
  const action =
    what.verb === "deploy"
      ? `a deploy of ${escapeText(what.release)} to ${where}`
      : `a rollback of ${where}${what.from ? ` from ${escapeText(what.from)}` : ""} to ${escapeText(what.release)}`;
  const outcome = started.alreadyHandled ? `${action} was already started` : `<@${job.user.id}> started ${action}`;
  return { response_type: "in_channel", text: `${capitalize(outcome)}: \`${started.name}\`\n${linkTo(started.executionArn)}` };
}

/** An app/env's latest execution and the release it runs, for the person who asked. */
export function statusReply(job: ChatJob, latest: LatestExecution | undefined, running: ReleaseRecord | undefined): ChatMessage {
  const where = `${job.task.app}/${job.task.env}`;
  const runs = running ? `${where} runs ${running.label} (${escapeText(running.releaseId)}).` : `${where} has no deployed release on record.`;
  if (!latest)
    return {
      response_type: "ephemeral",
      text: `${runs}\nNo executions of ${where} yet: start one with \`${job.command} deploy ${job.task.app} ${job.task.env} <release>\`.`,
    };
  const when = latest.stoppedAt ? `started ${iso(latest.startedAt)}, ended ${iso(latest.stoppedAt)}` : `started ${iso(latest.startedAt)}, still running`;
  const facts = [latest.release ? `release ${escapeText(latest.release)}` : undefined, latest.trigger ? escapeText(latest.trigger) : undefined, when];
  const cause = latest.cause && latest.status !== "SUCCEEDED" ? `\n> ${escapeText(latest.cause)}` : "";
  return {
    response_type: "ephemeral",
    text: `${runs}\nLatest execution \`${latest.name}\`: *${latest.status}* (${facts.filter(Boolean).join(", ")})${cause}\n${linkTo(latest.executionArn)}`,
  };
}

/** A command that could not be carried out: what it was, and why, in the words of the error. */
export function failedReply(job: ChatJob, reason: string): ChatMessage {
  return { response_type: "ephemeral", text: `Could not ${job.task.command} ${job.task.app}/${job.task.env}: ${escapeText(reason)}` };
}

/** The console link; a local execution (region "local") has none, so the reply names the command that shows it. */
function linkTo(executionArn: string): string {
  if (executionArn.split(":")[3] === "local") return `See it with \`gantry history --local ${executionArn.split(":").at(-1) ?? ""}\``;
  return `<${consoleUrlFor(executionArn)}|View the execution in the Step Functions console>`;
}

function iso(epochMs: number): string {
  return new Date(epochMs).toISOString();
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
