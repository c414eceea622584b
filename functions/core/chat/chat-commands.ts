import type { GantryConfig } from "../config/config.js";

/**
 * The `/gantry` subcommands. Each takes `<app> <env>` and then its own arguments; one without
 * `available` is answered "not available in this version". Wiring one up is setting
 * `available` here and adding its runner in functions/aws/chat/chat-runners.ts.
 */
export const CHAT_COMMANDS = {
  deploy: { args: ["release"], optional: [], does: "start a deploy of a release (a commit id)", available: true },
  rollback: { args: [], optional: ["release"], does: "deploy the release before the current one again, or the one named (v41)", available: true },
  status: { args: [], optional: [], does: "the latest execution of the app/env and the release it runs", available: true },
  approve: { args: [], optional: [], does: "approve the deploy waiting for approval", available: false },
  abort: { args: [], optional: [], does: "stop the running deploy, rolling it back", available: false },
} as const satisfies Record<string, ChatCommandSpec>;

export interface ChatCommandSpec {
  /** Arguments after `<app> <env>` that must be given, in order. */
  args: readonly string[];
  /** Arguments that may follow those. */
  optional: readonly string[];
  does: string;
  available: boolean;
}

export type ChatCommandName = keyof typeof CHAT_COMMANDS;

/** A command gantry can carry out now: what the work after the answer runs. */
export type RunnableCommand = { [N in ChatCommandName]: (typeof CHAT_COMMANDS)[N]["available"] extends true ? N : never }[ChatCommandName];

/** One subcommand read from the text, its app/env checked against the configuration. */
export interface ChatTask {
  command: RunnableCommand;
  app: string;
  env: string;
  /** The arguments after `<app> <env>`, by name. */
  args: Record<string, string>;
}

/** The usage line of one subcommand: `/gantry deploy <app> <env> <release>`. */
export function usageOf(command: string, name: ChatCommandName): string {
  const spec: ChatCommandSpec = CHAT_COMMANDS[name];
  return [command, name, "<app>", "<env>", ...spec.args.map((arg) => `<${arg}>`), ...spec.optional.map((arg) => `[${arg}]`)].join(" ");
}

/** Every subcommand with what it does, for an empty command or `help`. */
export function helpText(command: string): string {
  const lines = (Object.keys(CHAT_COMMANDS) as ChatCommandName[]).map((name) => {
    const spec: ChatCommandSpec = CHAT_COMMANDS[name];
    return `• \`${usageOf(command, name)}\`: ${spec.does}${spec.available ? "" : " (not available in this version)"}`;
  });
  return [`Usage: \`${command} <command> <app> <env> …\``, ...lines].join("\n");
}

/**
 * Reads the text after the slash command into a task, or into the reply that says what is
 * wrong: the help for an empty text, the usage line for missing or extra arguments, the
 * configured app/envs for an unknown one.
 */
export function readChatTask(command: string, text: string, config: GantryConfig): ChatTask | { reply: string } {
  const words = text.trim().split(/\s+/).filter(Boolean);
  const [name, app, env, ...rest] = words;
  if (name === undefined || name === "help") return { reply: helpText(command) };
  if (!Object.hasOwn(CHAT_COMMANDS, name)) {
    return { reply: `\`${escapeText(name)}\` is not a gantry command: use ${Object.keys(CHAT_COMMANDS).join(", ")}.\n${helpText(command)}` };
  }
  const known = name as ChatCommandName;
  const spec: ChatCommandSpec = CHAT_COMMANDS[known];
  const usage = `Usage: \`${usageOf(command, known)}\``;
  if (app === undefined || env === undefined || rest.length < spec.args.length) return { reply: `${name} needs more: ${usage}` };
  if (rest.length > spec.args.length + spec.optional.length) return { reply: `${name} takes no more than that: ${usage}` };
  if (!config.apps[app]?.environments[env]) {
    const configured = Object.entries(config.apps).flatMap(([appName, settings]) => Object.keys(settings.environments).map((e) => `${appName} ${e}`));
    return { reply: `No app/env \`${escapeText(`${app} ${env}`)}\` in the configuration; configured: ${configured.join(", ") || "none"}.` };
  }
  if (!spec.available) return { reply: `\`${name}\` is not available in this version of gantry: ${usage} will ${spec.does} once it is.` };
  const names = [...spec.args, ...spec.optional];
  const args = Object.fromEntries(rest.map((value, index) => [names[index] as string, value]));
  return { command: known as RunnableCommand, app, env, args };
}

/** Slack's mrkdwn reserves &, < and >: text a person typed is escaped before it is echoed back. */
export function escapeText(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
