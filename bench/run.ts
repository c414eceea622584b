import "../local/quiet-sdk.js";
import "../local/polyfill.js";
import { runBundleScenario } from "./bundles.js";
import { closeLocalDynamo } from "../local/dynamo-session.js";
import { deployScenarios, runDeployScenario } from "./deploy-scenarios.js";
import { runDemoScenario, runProcessDeployScenario } from "./process-scenarios.js";
import { runStartupScenario } from "./startup-scenario.js";

/**
 * `npm run bench`: one JSON line per scenario on stdout. Targets (issue "Rolling deploy engine"):
 * a 5,000-instance deploy in 100 batches, and its rollback in the last batch, each with
 * historyEvents <= 10,000 and maxPayloadBytes <= 32,768 (issue "Rolling deploy engine"); a deploy
 * on real processes whose wall time is at most 1.05 × the waits its timings impose, and the
 * demo in at most 60 s (issue "Local mode"); `gantry --help` in at most 0.35 s and no command
 * more than 0.5 s before its own work (issue 18); every deploy's wall time, simulated or real, at
 * most 1.03 × the waits AWS imposes at the default poll, with and without 0.5 s of latency per
 * step, Lambda bundles of at most 1.2 MB and 0.2 CPU-s to import, the rollback from the last
 * batch at 5,000 within 900 s, and 20,000 instances within 25,000 history events and 256 KiB
 * payloads at EC2's API and launch rates (issue 11). In-place deploys against replacing ones on
 * the same 5,000 instances at EC2's rates, at 10 % and 1 % batches, each line with its history
 * events, API calls, simulated duration, peak instances in the group and wall time; 10 instances
 * in place in 3 batches with tuned checks in under 300 s simulated (the seed's "deploy in less
 * than 5 minutes"), with what a dry run of it reports. `--only <name>` runs one scenario,
 * including those that run only on request (deploy-20000-instances-1pct-rated,
 * rollback-5000-instances-last-batch-rated, deploy-5000-instances-1pct-in-place-rated,
 * deploy-5000-instances-1pct-replace-rated).
 */
const only = process.argv.indexOf("--only") >= 0 ? process.argv[process.argv.indexOf("--only") + 1] : undefined;
const scenarios: [string, () => Promise<Record<string, unknown>>][] = [
  // First, while nothing else of the benchmark runs beside the spawned CLI.
  ["cli-startup", () => runStartupScenario()],
  ...deployScenarios
    .filter((scenario) => !scenario.onRequest || scenario.scenario === only)
    .map((scenario): [string, () => Promise<Record<string, unknown>>] => [scenario.scenario, () => runDeployScenario(scenario)]),
  ["process-deploy-aws-timings-scaled", runProcessDeployScenario],
  ["demo", runDemoScenario],
  ["bundles", () => runBundleScenario()],
];
for (const [name, run] of scenarios) {
  if (only && name !== only) continue;
  console.log(JSON.stringify(await run()));
}
// The deploys' local DynamoDB listens on a port: closed, the process exits by itself.
await closeLocalDynamo();
