import type { Command } from "commander";
import { loadCommand } from "../lifecycle.js";
import { wholeNumber } from "../flags.js";

export interface ChatServeOptions {
  port: number;
  config: string;
  instances: number;
  local?: boolean;
}

/** `gantry chat serve`: the Slack slash command handler behind a local HTTP server, deploying locally. */
export function registerChat(program: Command): void {
  const chat = program.command("chat").description("the Slack slash command (/gantry deploy|rollback|status|approve|abort) that runs gantry from chat");
  chat
    .command("serve")
    .description("serve the chat endpoint on 127.0.0.1 and run the deploys it starts locally (signing secret from GANTRY_SLACK_SIGNING_SECRET)")
    .option("--port <n>", "port to listen on (0-65535; 0 picks a free one)", wholeNumber(0, 65535), 8788)
    .option("--local", "against the local runtime: the only way it serves (on AWS, Slack calls the stack's ChatUrl)")
    .option("--config <path>", "the gantry configuration (chat.slack lists who may run commands, and where)", "gantry.config.ts")
    .option("--instances <n>", "instances of each simulated group (1-5000)", wholeNumber(1, 5000), 4)
    .action(async (options: ChatServeOptions) => {
      await (await loadCommand(() => import("../run/chat.js"))).serveChat(options);
    });
}
