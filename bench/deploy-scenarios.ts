import type { DeployInputRaw } from "../functions/core/input.js";
import { EC2_RATES } from "../local/cloud/index.js";
import { createLocalFleet, runLocalDeploy, type FleetOptions } from "../local/scenario.js";
import { breakBatch, watchFleet } from "../local/watch.js";

/** Step Functions standard workflows: $0.025 per 1,000 state transitions. */
const USD_PER_TRANSITION = 0.025 / 1000;

export interface DeployScenario {
  scenario: string;
  fleet: FleetOptions;
  strategy: NonNullable<DeployInputRaw["strategy"]>;
  /** 1-based batch whose new instances fail their health checks; none when the release is good. */
  failBatch?: number | "last";
  /** Runs only when named with `--only` (minutes of wall time). */
  onRequest?: boolean;
}

/** AWS-like timings: boot ~60 s, health checks every 10 s with a threshold of 2, deregistration 30 s. */
const awsLike = { bootSeconds: 60, healthCheckIntervalSeconds: 10, healthyThreshold: 2, deregistrationDelaySeconds: 30 };
const onePercent = { batches: ["1%"], bakeSeconds: 60, pollSeconds: 15 };
/**
 * 5,000 instances, 1,000 per target group at rest. A surge needs room above that, which on AWS
 * means raising the adjustable "targets per target group" quota: 1,010 fits a batch of 50; the
 * account here has it raised to 1,200, which Plan rollout reads through Service Quotas and sizes
 * rollback waves from.
 */
const bigFleet: FleetOptions = { instances: 5000, targetGroups: 5, membership: "spread", maxTargets: 1200, maxSize: 5050, ...awsLike };
/** The same fleet with EC2's API and launch rates modelled (calls over the rate wait for a token). */
const ratedBigFleet: FleetOptions = { ...bigFleet, apiRates: EC2_RATES };
/** 20,000 instances in one group, 1,000 per target group over 20 at rest, with EC2's rates. */
const hugeFleet: FleetOptions = { instances: 20000, targetGroups: 20, membership: "spread", maxTargets: 1200, maxSize: 20200, apiRates: EC2_RATES, ...awsLike };

export const deployScenarios: DeployScenario[] = [
  { scenario: "deploy-12-instances", fleet: { instances: 12, ...awsLike }, strategy: { batches: ["25%"], bakeSeconds: 60, pollSeconds: 15 } },
  { scenario: "deploy-5000-instances-1pct", fleet: bigFleet, strategy: onePercent },
  { scenario: "rollback-5000-instances-last-batch", fleet: bigFleet, strategy: onePercent, failBatch: "last" },
  { scenario: "deploy-5000-instances-1pct-rated", fleet: ratedBigFleet, strategy: onePercent },
  { scenario: "rollback-5000-instances-last-batch-rated", fleet: ratedBigFleet, strategy: onePercent, failBatch: "last", onRequest: true },
  { scenario: "deploy-20000-instances-1pct-rated", fleet: hugeFleet, strategy: onePercent, onRequest: true },
];

/** Runs one scenario on the local cloud's virtual clock and reports what AWS would see. */
export async function runDeployScenario(scenario: DeployScenario): Promise<Record<string, unknown>> {
  const fleet = createLocalFleet(scenario.fleet);
  const watch = watchFleet(fleet, 10_000);
  const input = fleet.deployInput("v2", { strategy: scenario.strategy });
  const batches = Math.ceil(100 / Number.parseFloat(String(scenario.strategy.batches?.[0] ?? "25%")));
  const failAt = scenario.failBatch === "last" ? batches : scenario.failBatch;
  const breakOne = failAt ? breakBatch(fleet, failAt) : undefined;
  fleet.cloud.resetCalls();
  const started = performance.now();
  const record = await runLocalDeploy(fleet, input, {
    ...watch,
    onEvent: (event) => {
      watch.onEvent(event);
      breakOne?.(event);
    },
  });
  const wallMs = Math.round(performance.now() - started);
  const plan = record.steps.find((step) => step.state === "Plan rollout")?.output as
    | { plan?: { batchCount?: number; floor?: number; rollbackWave?: number; targetQuota?: { value: number; source: string } } }
    | undefined;
  const rollbackStart = record.steps.find((step) => step.state === "Roll back")?.enteredAt;
  const stoppedAt = record.stoppedAt ?? record.startedAt;
  const floor = plan?.plan?.floor ?? scenario.fleet.instances;
  const snapshot = fleet.cloud.snapshot(fleet.groupName);
  return {
    scenario: scenario.scenario,
    instances: scenario.fleet.instances,
    targetGroups: scenario.fleet.targetGroups ?? 1,
    batches: plan?.plan?.batchCount ?? 0,
    result: record.status === "SUCCEEDED" ? "deployed" : record.error,
    historyEvents: record.historyEvents,
    transitions: record.transitions,
    maxPayloadBytes: record.maxPayloadBytes,
    apiCalls: fleet.cloud.calls.byCommand,
    apiCallsTotal: fleet.cloud.calls.total,
    simulatedSeconds: Math.round(stoppedAt - record.startedAt) / 1000,
    ...(rollbackStart !== undefined ? { rollbackSeconds: Math.round(stoppedAt - rollbackStart) / 1000, rollbackWave: plan?.plan?.rollbackWave } : {}),
    targetQuota: plan?.plan?.targetQuota,
    apiRates: scenario.fleet.apiRates ? "EC2 buckets, calls wait for a token" : "none",
    throttledCalls: fleet.cloud.throttling.calls,
    throttledWaitSeconds: fleet.cloud.throttling.waitedSeconds,
    minServing: watch.minServing(),
    floor,
    floorHeld: watch.minServing() >= floor,
    finalReleases: countBy(snapshot.instances.map((instance) => instance.release ?? "none")),
    /** Scaling activities AWS would report as failed (a launch or registration refused). */
    failedActivities: fleet.cloud.activities(fleet.groupName).filter((activity) => activity.status === "Failed").length,
    stepFunctionsUsd: Number((record.transitions * USD_PER_TRANSITION).toFixed(4)),
    wallMs,
  };
}

function countBy(values: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}
