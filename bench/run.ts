import "../local/quiet-sdk.js";
import "../local/polyfill.js";
import { deployScenarios, runDeployScenario } from "./deploy-scenarios.js";

/**
 * `npm run bench`: one JSON line per scenario on stdout. Targets (issue "Rolling deploy engine"):
 * a 5,000-instance deploy in 100 batches, and its rollback in the last batch, each with
 * historyEvents <= 10,000 and maxPayloadBytes <= 32,768. `--only <name>` runs one scenario.
 */
process.env.GANTRY_QUIET = "1";

const only = process.argv.indexOf("--only") >= 0 ? process.argv[process.argv.indexOf("--only") + 1] : undefined;
for (const scenario of deployScenarios) {
  if (only && scenario.scenario !== only) continue;
  console.log(JSON.stringify(await runDeployScenario(scenario)));
}
