import { now } from "../aws/clock.js";
import { actOnTargets } from "../aws/power/power-run.js";
import { powerProgressSchema } from "../core/power/power-progress.js";
import { powerStep } from "../wiring/step.js";

/** Power the targets: starts or stops every target the plan left working, each on its own. Input and output: `$.power`. */
export const handler = powerStep("power-targets", powerProgressSchema, async (progress) => actOnTargets(progress, now()));
