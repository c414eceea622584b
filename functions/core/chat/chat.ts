import { deployInputFor, type GantryConfig } from "../config/config.js";
import { parseDeployInput, type DeployInputRaw } from "../config/input.js";
import { InvalidDeployInputError, InvalidReleaseIdError } from "../errors.js";
import { executionName } from "../executions/naming.js";
import { parseReleaseId } from "../releases/release-id.js";
import type { WebhookRequest } from "../webhook/webhook-request.js";
import { escapeText, readChatTask, type ChatTask } from "./chat-commands.js";
import { readSlashCommand } from "./slash-command.js";
import type { SignatureVerdict } from "./slack-signature.js";

/** A Slack message: ephemeral ones only the person who ran the command sees. */
export interface ChatMessage {
  response_type: "ephemeral" | "in_channel";
  text: string;
}

/** The work after the answer: one task, who asked for it and where its result goes. */
export interface ChatJob {
  task: ChatTask;
  command: string;
  user: { id: string; name?: string };
  channel: string;
  responseUrl: string;
  /** When Slack's request arrived (epoch ms): names the execution, so running the job twice starts one. */
  receivedAt: number;
  /** A deploy's execution, decided with the answer, so a wrong release is refused at once. */
  start?: { name: string; input: DeployInputRaw };
}

/** What gets logged about a request: never its body, its signature or the secret. */
export interface ChatLogLine {
  user?: string;
  channel?: string;
  subcommand?: string;
  app?: string;
  env?: string;
  decision: string;
  error?: string;
}

/** The answer to one request, and the job to run after answering, if any. */
export interface ChatVerdict {
  status: number;
  body: ChatMessage | { error: string };
  job?: ChatJob;
  log: ChatLogLine;
}

export interface ChatDecisionInput {
  request: WebhookRequest;
  /** The signature check, or undefined when the request carries no signature or timestamp. */
  signature: SignatureVerdict | undefined;
  config: GantryConfig;
  receivedAt: number;
}

/** Whether a request carries both of Slack's signing headers: without them no secret is read. */
export function isSigned(request: WebhookRequest): boolean {
  return Boolean(request.headers["x-slack-signature"] && request.headers["x-slack-request-timestamp"]);
}

/**
 * Decides the answer to one slash command request, cheapest and least trusting checks first:
 * nothing an unsigned or stale request says is read beyond its headers. Refusals of a signed
 * request (an unknown member, channel, command or app/env) are 200 with an ephemeral message,
 * because Slack shows the body of a 200 to the person and any other status as a bare
 * "dispatch_failed"; only requests that are not Slack's get a 4xx.
 */
export function decideChat({ request, signature, config, receivedAt }: ChatDecisionInput): ChatVerdict {
  const reject = (status: number, error: string, decision: string): ChatVerdict => ({ status, body: { error }, log: { decision } });
  if (request.method !== "POST") return reject(405, `Slack posts slash commands; this request used ${request.method}.`, "rejected: method");
  if (request.bodyProblem) return reject(400, "The body is not UTF-8 text; Slack sends a form.", "rejected: not text");
  if (signature === undefined)
    return reject(401, "X-Slack-Signature or X-Slack-Request-Timestamp is missing: only Slack's signed requests are answered.", "rejected: unsigned");
  if (signature === "stale")
    return reject(401, "X-Slack-Request-Timestamp is more than 5 minutes from now: a replayed or delayed request is refused.", "rejected: stale");
  if (signature === "mismatch")
    return reject(401, "X-Slack-Signature does not match the body: the Slack app's signing secret is not the one gantry holds.", "rejected: bad signature");
  const slash = readSlashCommand(request.body, request.headers["content-type"]);
  if ("problem" in slash) return reject(400, slash.problem, "rejected: malformed");
  const line: ChatLogLine = { user: slash.userId, channel: slash.channelId, decision: "received" };
  const tell = (text: string, decision: string, more: Partial<ChatLogLine> = {}): ChatVerdict => ({
    status: 200,
    body: { response_type: "ephemeral", text },
    log: { ...line, ...more, decision },
  });
  const slack = config.chat?.slack;
  if (!slack) return tell("gantry's configuration has no chat.slack section, so no one may run its commands yet.", "refused: not configured");
  if (!slack.users.includes(slash.userId)) {
    return tell(`<@${slash.userId}> may not run gantry commands: add the member id ${slash.userId} to chat.slack.users in gantry.config.ts.`, "refused: user");
  }
  if (!slack.channels.includes(slash.channelId)) {
    return tell(
      `gantry commands are not allowed in this channel: add its id ${slash.channelId} to chat.slack.channels in gantry.config.ts, or run them in one listed there.`,
      "refused: channel",
    );
  }
  const task = readChatTask(slash.command, slash.text, config);
  if ("reply" in task) return tell(task.reply, "answered: usage");
  const about = { subcommand: task.command, app: task.app, env: task.env };
  const user = { id: slash.userId, ...(slash.userName ? { name: slash.userName } : {}) };
  const job: ChatJob = { task, command: slash.command, user, channel: slash.channelId, responseUrl: slash.responseUrl, receivedAt };
  if (task.command === "deploy") {
    const given = task.args.release ?? "";
    let release: string;
    let input: DeployInputRaw;
    try {
      // The one release-id rule: 12 hex of the commit (or its full SHA); a chat has no git to resolve a ref or a short SHA.
      release = parseReleaseId(given);
      input = { ...deployInputFor(config, task.app, task.env, { id: release }, chatTrigger(job, "slack")) };
      parseDeployInput(input);
    } catch (error) {
      if (!(error instanceof InvalidDeployInputError || error instanceof InvalidReleaseIdError)) throw error;
      return tell(`\`${escapeText(given)}\` is not a release gantry can deploy: ${escapeText(error.message)}`, "refused: release", about);
    }
    job.start = { name: executionName(task.app, task.env, release, receivedAt.toString(36)), input };
  }
  return { ...tell(`Working on it: ${describeTask(task)}…`, "accepted", about), job };
}

/** The trigger a chat command's deploy carries: who ran it, from Slack. */
export function chatTrigger(job: Pick<ChatJob, "user" | "receivedAt">, source: string, note?: string): NonNullable<DeployInputRaw["trigger"]> {
  const who = job.user.name ? `${job.user.name} (${job.user.id})` : job.user.id;
  return { source, actor: note ? `${who} ${note}` : who, receivedAt: job.receivedAt };
}

function describeTask(task: ChatTask): string {
  const where = `${task.app}/${task.env}`;
  if (task.command === "deploy") return `deploying ${escapeText(task.args.release ?? "")} to ${where}`;
  if (task.command === "rollback") return `rolling ${where} back${task.args.release ? ` to ${escapeText(task.args.release)}` : ""}`;
  return `reading the status of ${where}`;
}
