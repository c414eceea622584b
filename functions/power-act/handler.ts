import { now } from "../aws/clock.js";
import { actOnTargets } from "../aws/power-run.js";
import { powerStep } from "../aws/power-step.js";
import type { PowerProgress } from "../core/power-progress.js";

/** Power the targets: starts or stops every target the plan left working, each on its own. Input and output: `$.power`. */
export const handler = powerStep("power-targets", async (event) => actOnTargets(event as PowerProgress, now()));
