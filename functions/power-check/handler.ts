import { now } from "../aws/clock.js";
import { checkTargets } from "../aws/power-run.js";
import { powerStep } from "../aws/power-step.js";
import type { PowerProgress } from "../core/power-progress.js";

/** Check the targets: reads them again, updates DNS once a start settled, and says whether all are done. Input and output: `$.power`. */
export const handler = powerStep("check-power", async (event) => checkTargets(event as PowerProgress, now()));
