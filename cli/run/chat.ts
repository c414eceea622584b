import { loadConfigFile } from "../../functions/config/load.js";
import type { ChatServeOptions } from "../commands/chat.js";
import { openLocalDynamo, openLocalReleaseStore } from "../lifecycle.js";
import { UsageError, line, paint } from "../output.js";
import { localDeployPrinters, serveUntilInterrupted } from "./local-serve.js";

/** Serves the chat endpoint until Ctrl-C, each deploy it starts printed as it runs. */
export async function serveChat(options: ChatServeOptions): Promise<void> {
  const signingSecret = process.env.GANTRY_SLACK_SIGNING_SECRET;
  if (!signingSecret)
    throw new UsageError("GANTRY_SLACK_SIGNING_SECRET is not set: export the Slack app's signing secret (or the one you sign test requests with).");
  const config = await loadConfigFile(options.config);
  const { startChatServer } = await import("../../local/chat-server.js");
  await openLocalDynamo();
  const releaseBucket = await openLocalReleaseStore();
  const server = await startChatServer({
    config,
    signingSecret,
    releaseBucket,
    port: options.port,
    instances: options.instances,
    ...localDeployPrinters(),
    onFollowUp: (job) => line(`${job.command} ${job.task.command} ${job.task.app} ${job.task.env}: result posted to the response_url`),
  });
  line(paint("bold", `gantry chat listening on ${server.url}`));
  const slack = config.chat?.slack;
  if (slack) line(`  members ${slack.users.join(", ")} in channels ${slack.channels.join(", ")} may run /gantry`);
  else line(`  ${options.config} has no chat.slack section: every command is refused until it lists members and channels`);
  await serveUntilInterrupted(server);
}
