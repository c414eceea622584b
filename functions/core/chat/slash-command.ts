/**
 * A Slack slash command as Slack posts it: an `application/x-www-form-urlencoded` body with the
 * command, its text, who ran it, where, and the `response_url` that takes up to five replies in
 * the next 30 minutes (api.slack.com/interactivity/slash-commands).
 */
export interface SlashCommand {
  /** The command as typed, e.g. "/gantry". */
  command: string;
  /** Everything after the command, e.g. "deploy hello prod 3f2c1ab". */
  text: string;
  userId: string;
  userName?: string;
  channelId: string;
  teamId?: string;
  responseUrl: string;
}

/** The fields gantry cannot do without; Slack sends every one of them with each command. */
const REQUIRED = ["command", "user_id", "channel_id", "response_url"] as const;

/**
 * Reads the form body of a slash command, or says what is wrong with it. The body is already
 * known to be Slack's (its signature checked), so a problem here is a malformed request, not an
 * attack: the answer names the field.
 */
export function readSlashCommand(body: string, contentType: string | undefined): SlashCommand | { problem: string } {
  const type = (contentType ?? "").split(";")[0]?.trim().toLowerCase();
  if (type !== "application/x-www-form-urlencoded")
    return { problem: `Slack sends slash commands as application/x-www-form-urlencoded; this request is ${type || "without a content type"}.` };
  const form = new URLSearchParams(body);
  const missing = REQUIRED.filter((field) => !form.get(field));
  if (missing.length > 0) return { problem: `The form has no ${missing.join(", ")}: not a slash command as Slack sends it.` };
  const responseUrl = form.get("response_url") ?? "";
  if (!isHttpUrl(responseUrl)) return { problem: `response_url ${JSON.stringify(responseUrl)} is not an http(s) URL.` };
  const userName = form.get("user_name");
  const teamId = form.get("team_id");
  return {
    command: form.get("command") ?? "",
    text: form.get("text") ?? "",
    userId: form.get("user_id") ?? "",
    ...(userName ? { userName } : {}),
    channelId: form.get("channel_id") ?? "",
    ...(teamId ? { teamId } : {}),
    responseUrl,
  };
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === "https:" || url.protocol === "http:";
  } catch {
    return false;
  }
}
