import "../local/quiet-sdk.js";
import { readFileSync } from "node:fs";
import { Command, CommanderError } from "commander";
import { registerAbort } from "./commands/abort.js";
import { registerRecover } from "./commands/recover.js";
import { registerApprovals } from "./commands/approve.js";
import { registerChat } from "./commands/chat.js";
import { registerConsole } from "./commands/console.js";
import { registerConfig } from "./commands/config.js";
import { registerCycle } from "./commands/cycle.js";
import { registerDemo } from "./commands/demo.js";
import { registerInit } from "./commands/init.js";
import { registerInspect } from "./commands/inspect.js";
import { registerDeploy } from "./commands/deploy.js";
import { registerRelease } from "./commands/release.js";
import { registerReleases } from "./commands/releases.js";
import { registerSchedule } from "./commands/schedule.js";
import { registerWebhook } from "./commands/webhook.js";
import { closeOpened } from "./lifecycle.js";

const { version } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string };

// Commands register their options and help here and load their code only when they run: start-up
// stays at commander's cost, whatever SDK clients, dynalite or local runner a command needs.
const program = new Command("gantry")
  .description("push-to-deploy for EC2 Auto Scaling groups, orchestrated by AWS Step Functions")
  .version(version, "-V, --version", "print gantry's version")
  .showHelpAfterError("(add --help for usage)")
  .addHelpText(
    "after",
    `
Exit codes:
  0  done
  1  the deploy, cycle or run failed or rolled back (or gantry itself failed unexpectedly)
  2  usage or configuration error: an unknown command or option, a wrong value, an app/env or
     execution that does not exist, no AWS credentials

Set GANTRY_DEBUG=1 to see the stack trace of an unexpected failure.`,
  )
  .exitOverride();

registerAbort(program);
registerRecover(program);
registerApprovals(program);
registerChat(program);
registerConsole(program);
registerConfig(program);
registerCycle(program);
registerDemo(program);
registerDeploy(program);
registerInit(program);
registerInspect(program);
registerRelease(program);
registerReleases(program);
registerSchedule(program);
registerWebhook(program);

try {
  await program.parseAsync(process.argv);
  await closeOpened();
} catch (error) {
  await closeOpened().catch(() => undefined);
  // Loaded only on failure: what it explains (gantry's and AWS's errors) costs nothing at start-up.
  const { describeFailure, EXIT } = await import("./failure.js");
  if (error instanceof CommanderError) {
    // Commander has printed its message; help and --version are done, anything else is usage.
    process.exit(["commander.helpDisplayed", "commander.version"].includes(error.code) ? EXIT.done : EXIT.usage);
  }
  const failure = describeFailure(error);
  process.stderr.write(`${failure.message}\n`);
  if (failure.unexpected && process.env.GANTRY_DEBUG && error instanceof Error) process.stderr.write(`${error.stack ?? ""}\n`);
  process.exit(failure.exitCode);
}
