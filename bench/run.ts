import "../local/quiet-sdk.js";
import "../local/polyfill.js";
import { deployScenarios, runDeployScenario } from "./deploy-scenarios.js";
import { runDemoScenario, runProcessDeployScenario } from "./process-scenarios.js";

/**
 * `npm run bench`: one JSON line per scenario on stdout. Targets (issue "Rolling deploy engine"):
 * a 5,000-instance deploy in 100 batches, and its rollback in the last batch, each with
 * historyEvents <= 10,000 and maxPayloadBytes <= 32,768 (issue "Rolling deploy engine"); a deploy
 * on real processes whose wall time is at most 1.05 × the waits its timings impose, and the
 * demo in at most 60 s (issue "Local mode"); the rollback from the last batch at 5,000 within
 * 900 s, and 20,000 instances within 25,000 history events and 256 KiB payloads at EC2's API
 * and launch rates (issue 11). `--only <name>` runs one scenario, including those that run only
 * on request (deploy-20000-instances-1pct-rated, rollback-5000-instances-last-batch-rated).
 */
const only = process.argv.indexOf("--only") >= 0 ? process.argv[process.argv.indexOf("--only") + 1] : undefined;
const scenarios: [string, () => Promise<Record<string, unknown>>][] = [
  ...deployScenarios
    .filter((scenario) => !scenario.onRequest || scenario.scenario === only)
    .map((scenario): [string, () => Promise<Record<string, unknown>>] => [scenario.scenario, () => runDeployScenario(scenario)]),
  ["process-deploy-aws-timings-scaled", runProcessDeployScenario],
  ["demo", runDemoScenario],
];
for (const [name, run] of scenarios) {
  if (only && name !== only) continue;
  console.log(JSON.stringify(await run()));
}
