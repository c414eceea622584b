import { describeStep, stepSummary, summarizeExecution, type ExecutionRecord, type ExecutionSummary } from "../functions/core/executions/execution-record.js";
import type { GateEvidence } from "../functions/core/rollout/gate.js";
import { fleetChart, sampleFromReport, type FleetChart, type FleetSample } from "./fleet-samples.js";
import { trafficChart, type TrafficChart, type TrafficSample } from "./traffic-samples.js";

/** One execution as the page shows it: what `gantry history` prints, plus the charts. */
export interface ExecutionView {
  summary: ExecutionSummary;
  trigger?: string;
  steps: ReturnType<typeof describeStep>[];
  /** Each batch's gate checks, the last evidence of each (launch gate, then the gate after bake). */
  gates: { batch: number; phase: string; evidence: GateEvidence }[];
  /** The capacity floor the plan keeps (instances), when the plan was made. */
  floor?: number;
  fleet: FleetChart & { source: "watched" | "reports" };
  /** Only when traffic was watched through the local load balancer during the execution. */
  traffic?: TrafficChart;
}

interface StepOutput {
  plan?: { floor?: number; previousRelease?: string };
  progress?: { batch?: number; phase?: string; evidence?: GateEvidence };
}

/**
 * Builds the view of one execution. `watched` are fleet samples taken while it ran in this
 * process; without them the fleet line of each step's report stands in, one sample per step.
 */
export function executionView(
  record: ExecutionRecord,
  live: { fleet?: readonly FleetSample[]; traffic?: readonly TrafficSample[] },
  now: number,
): ExecutionView {
  const outputs = record.steps.map((step) => step.output as StepOutput | undefined);
  const plan = outputs.find((output) => output?.plan?.floor !== undefined)?.plan;
  const gates = new Map<string, ExecutionView["gates"][number]>();
  const checks = new Set<string>();
  for (const output of outputs) {
    const progress = output?.progress;
    if (!progress?.evidence || progress.batch === undefined || progress.batch < 0) continue;
    // Later states carry the last evidence on (the finish phase): only a new check counts.
    const check = `${progress.batch}:${progress.evidence.checkedAt}`;
    if (checks.has(check) && !gates.has(`${progress.batch}:${progress.phase ?? "launch"}`)) continue;
    checks.add(check);
    const phase = progress.phase ?? "launch";
    gates.set(`${progress.batch}:${phase}`, { batch: progress.batch + 1, phase, evidence: progress.evidence });
  }
  const watched = live.fleet && live.fleet.length > 0;
  const samples = watched ? (live.fleet as readonly FleetSample[]) : reportedSamples(record, plan?.previousRelease);
  // A running execution on a clock faster than real time (the demo's) is further on than `now`.
  const end = record.stoppedAt ?? Math.max(now, lastMoment(record));
  const traffic = live.traffic && live.traffic.length > 1 ? trafficChart(live.traffic, record.startedAt, end) : undefined;
  const trigger = (record.input as { trigger?: { source?: string; actor?: string } } | undefined)?.trigger;
  return {
    summary: summarizeExecution(record, end),
    ...(trigger?.source ? { trigger: [trigger.source, trigger.actor].filter(Boolean).join(" by ") } : {}),
    steps: record.steps.filter((step) => step.type !== "Choice").map((step) => describeStep(step, record.startedAt)),
    gates: [...gates.values()],
    ...(plan?.floor !== undefined ? { floor: plan.floor } : {}),
    fleet: { ...fleetChart(samples, record.startedAt, plan?.floor), source: watched ? "watched" : "reports" },
    ...(traffic && traffic.data[0].length > 0 ? { traffic } : {}),
  };
}

function reportedSamples(record: ExecutionRecord, previous: string | undefined): FleetSample[] {
  const samples: FleetSample[] = [];
  for (const step of record.steps) {
    if (step.type !== "Task") continue;
    const report = stepSummary(step.output);
    const sample = report ? sampleFromReport(report, step.exitedAt ?? step.enteredAt, previous) : undefined;
    if (sample) samples.push(sample);
  }
  return samples;
}

/** The latest time the execution's own clock shows in its record. */
export function lastMoment(record: ExecutionRecord): number {
  const step = record.steps.at(-1);
  return Math.max(record.startedAt, step?.enteredAt ?? 0, step?.exitedAt ?? 0);
}
