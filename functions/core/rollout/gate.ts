import { isServing, type FleetView, type ObservedInstance } from "../fleet.js";
import { reportsRelease } from "../releases/release-id.js";

/** What the app answered on one instance. */
export interface HttpProbeResult {
  instanceId: string;
  healthStatus: number;
  /** Release reported by the version endpoint, when one is configured. */
  version?: string;
  error?: string;
}

export interface AlarmState {
  name: string;
  state: string;
}

/** What a gate looked at and what it saw; kept in the step output as the record of the decision. */
export interface GateEvidence {
  checkedAt: string;
  targets: { instances: number; healthy: number; notHealthy: TargetProblem[] };
  http?: { checked: number; passed: number; failures: HttpFailure[] };
  alarms?: AlarmState[];
}

interface TargetProblem {
  instanceId: string;
  targetGroupArn?: string;
  state: string;
  reason?: string;
}

interface HttpFailure {
  instanceId: string;
  problem: string;
}

export type GateVerdict =
  | { outcome: "pass"; evidence: GateEvidence }
  | { outcome: "wait"; evidence: GateEvidence; reason: string }
  | { outcome: "fail"; evidence: GateEvidence; kind: "targets" | "http" | "alarms"; reason: string };

const EVIDENCE_SAMPLE = 10;

/** Target health of the given instances; an `unhealthy` report from a target group fails the gate. */
export function checkTargets(view: FleetView, instances: readonly ObservedInstance[], now: number): GateVerdict {
  const problems: TargetProblem[] = [];
  let healthy = 0;
  let unhealthy: TargetProblem | undefined;
  for (const instance of instances) {
    const rows = view.health.get(instance.id);
    if (isServing(rows)) {
      healthy++;
      continue;
    }
    const row = rows?.find((candidate) => candidate.state !== "healthy");
    const problem: TargetProblem = row
      ? { instanceId: instance.id, targetGroupArn: row.targetGroupArn, state: row.state, ...(row.reason ? { reason: row.reason } : {}) }
      : { instanceId: instance.id, state: instance.lifecycleState === "InService" ? "unregistered" : instance.lifecycleState };
    if (problem.state === "unhealthy") unhealthy ??= problem;
    if (problems.length < EVIDENCE_SAMPLE) problems.push(problem);
  }
  const evidence: GateEvidence = {
    checkedAt: new Date(now).toISOString(),
    targets: { instances: instances.length, healthy, notHealthy: problems },
  };
  if (unhealthy) {
    const where = unhealthy.targetGroupArn ? ` in target group ${targetGroupName(unhealthy.targetGroupArn)}` : "";
    return {
      outcome: "fail",
      evidence,
      kind: "targets",
      reason: `instance ${unhealthy.instanceId} is unhealthy${where} (${unhealthy.reason ?? "no reason given"})`,
    };
  }
  if (healthy < instances.length) {
    return { outcome: "wait", evidence, reason: `${healthy} of ${instances.length} new instances healthy` };
  }
  return { outcome: "pass", evidence };
}

/** Adds the app's own checks and the alarms to a target verdict that passed. */
export function checkAppAndAlarms(
  verdict: GateVerdict,
  release: string,
  http: readonly HttpProbeResult[] | undefined,
  alarms: readonly AlarmState[] | undefined,
): GateVerdict {
  const evidence = { ...verdict.evidence };
  if (alarms) evidence.alarms = [...alarms];
  const firing = alarms?.filter((alarm) => alarm.state === "ALARM") ?? [];
  if (firing.length > 0) {
    return { outcome: "fail", evidence, kind: "alarms", reason: `alarm ${firing.map((a) => a.name).join(", ")} is in ALARM` };
  }
  if (verdict.outcome !== "pass") return { ...verdict, evidence };
  if (http) {
    const failures = http.flatMap((result) => {
      const problem = httpProblem(result, release);
      return problem ? [{ instanceId: result.instanceId, problem }] : [];
    });
    evidence.http = { checked: http.length, passed: http.length - failures.length, failures: failures.slice(0, EVIDENCE_SAMPLE) };
    const first = failures[0];
    if (first) return { outcome: "fail", evidence, kind: "http", reason: `instance ${first.instanceId}: ${first.problem}` };
  }
  return { outcome: "pass", evidence };
}

function httpProblem(result: HttpProbeResult, release: string): string | undefined {
  if (result.error) return `health check request failed (${result.error})`;
  if (result.healthStatus !== 200) return `health endpoint answered ${result.healthStatus}`;
  if (result.version !== undefined && !reportsRelease(result.version, release)) {
    return `version endpoint reports "${result.version}", expected "${release}"`;
  }
  return undefined;
}

/** `arn:aws:elasticloadbalancing:…:targetgroup/web/abc` → `web`. */
export function targetGroupName(arn: string): string {
  return arn.split(":targetgroup/")[1]?.split("/")[0] ?? arn;
}
