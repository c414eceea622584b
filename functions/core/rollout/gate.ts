import { isServing, type FleetView, type ObservedInstance } from "../fleet.js";
import type { FailureEvidence } from "./failure-evidence.js";
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

/** One change of an alarm's state (DescribeAlarmHistory, StateUpdate), `at` in ISO-8601. */
export interface AlarmTransition {
  name: string;
  at: string;
  from: string;
  to: string;
  reason?: string;
}

/** The alarms' changes of state since the batch began, as the gate read them. */
export interface AlarmHistoryEvidence {
  since: string;
  /** Transitions into and out of ALARM, oldest first, at most EVIDENCE_SAMPLE of them. */
  transitions: AlarmTransition[];
}

/** What a gate looked at and what it saw; kept in the step output as the record of the decision. */
export interface GateEvidence {
  checkedAt: string;
  targets: { instances: number; healthy: number; notHealthy: TargetProblem[] };
  http?: { checked: number; passed: number; failures: HttpFailure[] };
  alarms?: AlarmState[];
  alarmHistory?: AlarmHistoryEvidence;
  /** New instances that will not serve: their console tail and the group's failed scaling activities. */
  failure?: FailureEvidence;
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

/**
 * Adds the app's own checks and the alarms to a target verdict that passed. An alarm fails the
 * gate when it is in ALARM now, or when its history shows it went to ALARM at any moment since
 * the batch began, even if it is back to OK by now: a flap between two gates counts.
 */
export function checkAppAndAlarms(
  verdict: GateVerdict,
  release: string,
  http: readonly HttpProbeResult[] | undefined,
  alarms: readonly AlarmState[] | undefined,
  history?: { since: number; transitions: readonly AlarmTransition[] },
): GateVerdict {
  const evidence = { ...verdict.evidence };
  if (alarms) evidence.alarms = [...alarms];
  const episodes = history ? alarmEpisodes(history.transitions) : [];
  if (history) {
    const relevant = history.transitions.filter((transition) => transition.to === "ALARM" || transition.from === "ALARM");
    evidence.alarmHistory = { since: new Date(history.since).toISOString(), transitions: relevant.slice(0, EVIDENCE_SAMPLE) };
  }
  const firing = alarms?.filter((alarm) => alarm.state === "ALARM") ?? [];
  if (firing.length > 0) {
    return { outcome: "fail", evidence, kind: "alarms", reason: `alarm ${firing.map((a) => a.name).join(", ")} is in ALARM` };
  }
  const first = episodes[0];
  if (first && history) {
    const back = first.endedAt ? ` and back to ${first.endedTo} at ${first.endedAt}` : "";
    const others = episodes.length > 1 ? ` (and ${episodes.length - 1} more time(s): ${[...new Set(episodes.slice(1).map((e) => e.name))].join(", ")})` : "";
    return {
      outcome: "fail",
      evidence,
      kind: "alarms",
      reason: `alarm ${first.name} went to ALARM at ${first.startedAt}${back}, during the batch (since ${new Date(history.since).toISOString()})${others}`,
    };
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

interface AlarmEpisode {
  name: string;
  startedAt: string;
  endedAt?: string;
  endedTo?: string;
}

/** Each stretch an alarm spent in ALARM, from its transitions (oldest first). */
function alarmEpisodes(transitions: readonly AlarmTransition[]): AlarmEpisode[] {
  const episodes: AlarmEpisode[] = [];
  const open = new Map<string, AlarmEpisode>();
  for (const transition of transitions) {
    if (transition.to === "ALARM") {
      const episode: AlarmEpisode = { name: transition.name, startedAt: transition.at };
      episodes.push(episode);
      open.set(transition.name, episode);
    } else {
      const episode = open.get(transition.name);
      if (episode && transition.from === "ALARM") {
        episode.endedAt = transition.at;
        episode.endedTo = transition.to;
        open.delete(transition.name);
      }
    }
  }
  return episodes;
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
