import { now } from "../aws/clock.js";
import { checkTargets } from "../aws/power/power-run.js";
import { powerProgressSchema } from "../core/power/power-progress.js";
import { powerStep } from "../wiring/step.js";

/** Check the targets: reads them again, updates DNS once a start settled, and says whether all are done. Input and output: `$.power`. */
export const handler = powerStep("check-power", powerProgressSchema, async (progress) => checkTargets(progress, now()));
