import { loadConfigFile } from "../../functions/config/load.js";
import type { ChatServeOptions } from "../commands/chat.js";
import { openLocalDynamo, openLocalReleaseStore } from "../lifecycle.js";
import { UsageError, line, paint, statusColour } from "../output.js";
import { progressPrinter } from "../progress.js";

/** Serves the chat endpoint until Ctrl-C, each deploy it starts printed as it runs. */
export async function serveChat(options: ChatServeOptions): Promise<void> {
  const signingSecret = process.env.GANTRY_SLACK_SIGNING_SECRET;
  if (!signingSecret)
    throw new UsageError("GANTRY_SLACK_SIGNING_SECRET is not set: export the Slack app's signing secret (or the one you sign test requests with).");
  const config = await loadConfigFile(options.config);
  const { startChatServer } = await import("../../local/chat-server.js");
  await openLocalDynamo();
  const releaseBucket = await openLocalReleaseStore();
  const printers = new Map<string, ReturnType<typeof progressPrinter>>();
  const server = await startChatServer({
    config,
    signingSecret,
    releaseBucket,
    port: options.port,
    instances: options.instances,
    onDeployEvent: (execution, event) => {
      if (!printers.has(execution)) {
        line(paint("bold", `• ${execution}`));
        printers.set(execution, progressPrinter({ quiet: false, prefix: "  " }));
      }
      printers.get(execution)?.(event);
    },
    onDeployDone: (record) => line(`${paint("bold", record.name)} ${statusColour(record.status)}${record.cause ? `: ${record.cause}` : ""}`),
    onFollowUp: (job) => line(`${job.command} ${job.task.command} ${job.task.app} ${job.task.env}: result posted to the response_url`),
  });
  line(paint("bold", `gantry chat listening on ${server.url}`));
  const slack = config.chat?.slack;
  if (slack) line(`  members ${slack.users.join(", ")} in channels ${slack.channels.join(", ")} may run /gantry`);
  else line(`  ${options.config} has no chat.slack section: every command is refused until it lists members and channels`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  line("stopping: closing the server; deploys still running stop with it");
  await server.close();
}
