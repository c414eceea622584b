import "../local/quiet-sdk.js";
import "../local/polyfill.js";
import { Command, CommanderError } from "commander";
import { registerCycle } from "./commands/cycle.js";
import { registerDemo } from "./commands/demo.js";
import { registerInspect } from "./commands/inspect.js";
import { registerDeploy } from "./commands/local-deploy.js";
import { registerReleases } from "./commands/releases.js";
import { registerSchedule } from "./commands/schedule.js";
import { registerWebhook } from "./commands/webhook.js";
import { GantryError } from "../functions/core/errors.js";
import { closeLocalDynamo } from "../local/dynamo-session.js";
import { UsageError, paint } from "./output.js";
import { explainAwsFailure } from "./aws/failures.js";

const program = new Command("gantry")
  .description("push-to-deploy for EC2 Auto Scaling groups, orchestrated by AWS Step Functions")
  .showHelpAfterError()
  .exitOverride();

registerCycle(program);
registerDemo(program);
registerDeploy(program);
registerInspect(program);
registerReleases(program);
registerSchedule(program);
registerWebhook(program);

try {
  await program.parseAsync(process.argv);
  await closeLocalDynamo();
} catch (error) {
  await closeLocalDynamo();
  if (error instanceof CommanderError) process.exit(error.exitCode);
  if (error instanceof UsageError || error instanceof GantryError) {
    // Both say in words what is wrong and what to do: no stack trace.
    process.stderr.write(`${paint("red", "error:")} ${error.message}\n`);
    process.exit(2);
  }
  const awsFailure = explainAwsFailure(error);
  if (awsFailure) {
    process.stderr.write(`${paint("red", "error:")} ${awsFailure}\n`);
    process.exit(2);
  }
  throw error;
}
