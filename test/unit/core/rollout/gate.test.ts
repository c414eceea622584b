import { describe, expect, it } from "vitest";
import type { TargetHealth } from "../../../../functions/core/fleet.js";
import { checkAppAndAlarms, checkTargets, targetGroupName, type GateVerdict, type HttpProbeResult } from "../../../../functions/core/rollout/gate.js";
import { T0, TG_API, TG_WEB, group, health, newInstances, oldInstances, view } from "../../fixtures.js";

const NOW = T0 + 300_000;

function passed(): GateVerdict {
  return { outcome: "pass", evidence: { checkedAt: new Date(NOW).toISOString(), targets: { instances: 2, healthy: 2, notHealthy: [] } } };
}

function waitingVerdict(): GateVerdict {
  return {
    outcome: "wait",
    reason: "1 of 2 new instances healthy",
    evidence: { checkedAt: new Date(NOW).toISOString(), targets: { instances: 2, healthy: 1, notHealthy: [{ instanceId: "i-new002", state: "initial" }] } },
  };
}

function probe(instanceId: string, overrides: Partial<HttpProbeResult> = {}): HttpProbeResult {
  return { instanceId, healthStatus: 200, version: "v2", ...overrides };
}

describe("checkTargets", () => {
  it("passes when every new instance is healthy in every target group", () => {
    const fresh = newInstances(2);
    const fleet = view(group([...oldInstances(10), ...fresh], { targetGroupArns: [TG_WEB, TG_API] }), health(fresh, "healthy", [TG_WEB, TG_API]));

    const verdict = checkTargets(fleet, fresh, NOW);

    expect(verdict).toEqual({
      outcome: "pass",
      evidence: { checkedAt: "2025-03-04T09:05:00.000Z", targets: { instances: 2, healthy: 2, notHealthy: [] } },
    });
  });

  it("waits while a new instance is still in its initial health checks, recording which", () => {
    const fresh = newInstances(2);
    const targets = [...health(fresh.slice(0, 1)), ...health(fresh.slice(1), "initial", [TG_WEB], "Elb.RegistrationInProgress")];
    const fleet = view(group(fresh), targets);

    const verdict = checkTargets(fleet, fresh, NOW);

    expect(verdict.outcome).toBe("wait");
    expect(verdict).toMatchObject({ reason: "1 of 2 new instances healthy" });
    expect(verdict.evidence.targets).toEqual({
      instances: 2,
      healthy: 1,
      notHealthy: [{ instanceId: "i-new002", targetGroupArn: TG_WEB, state: "initial", reason: "Elb.RegistrationInProgress" }],
    });
  });

  it("waits for an instance no target group reports yet, calling it unregistered", () => {
    const fresh = [...newInstances(1), ...newInstances(1, { state: "Pending", from: 2 }), ...newInstances(1, { from: 3 })];
    const fleet = view(group(fresh), health(fresh.slice(2)));

    const verdict = checkTargets(fleet, fresh, NOW);

    expect(verdict.outcome).toBe("wait");
    expect(verdict.evidence.targets.notHealthy).toEqual([
      { instanceId: "i-new001", state: "unregistered" },
      { instanceId: "i-new002", state: "Pending" },
    ]);
  });

  it("fails when a target group reports a new instance unhealthy, naming instance, target group and reason", () => {
    const fresh = newInstances(2);
    const targets = [...health(fresh.slice(0, 1)), ...health(fresh.slice(1), "unhealthy", [TG_WEB], "Target.ResponseCodeMismatch")];
    const fleet = view(group(fresh), targets);

    const verdict = checkTargets(fleet, fresh, NOW);

    expect(verdict).toMatchObject({
      outcome: "fail",
      kind: "targets",
      reason: "instance i-new002 is unhealthy in target group web (Target.ResponseCodeMismatch)",
    });
  });

  it("fails when an instance is healthy in one target group but unhealthy in another", () => {
    const fresh = newInstances(1);
    const targets: TargetHealth[] = [...health(fresh, "healthy", [TG_WEB]), ...health(fresh, "unhealthy", [TG_API])];
    const fleet = view(group(fresh, { targetGroupArns: [TG_WEB, TG_API] }), targets);

    const verdict = checkTargets(fleet, fresh, NOW);

    expect(verdict).toMatchObject({ outcome: "fail", reason: "instance i-new001 is unhealthy in target group api (no reason given)" });
  });

  it("keeps at most 10 problems as evidence but counts every instance", () => {
    const fresh = newInstances(25);
    const fleet = view(group(fresh), health(fresh, "initial"));

    const verdict = checkTargets(fleet, fresh, NOW);

    expect(verdict.outcome).toBe("wait");
    expect(verdict.evidence.targets.instances).toBe(25);
    expect(verdict.evidence.targets.healthy).toBe(0);
    expect(verdict.evidence.targets.notHealthy).toHaveLength(10);
  });

  it("fails on an unhealthy instance beyond the first 10 problems", () => {
    const fresh = newInstances(25);
    const targets = [...health(fresh.slice(0, 20), "initial"), ...health(fresh.slice(20), "unhealthy")];
    const fleet = view(group(fresh), targets);

    const verdict = checkTargets(fleet, fresh, NOW);

    expect(verdict).toMatchObject({ outcome: "fail", reason: expect.stringContaining("instance i-new021 is unhealthy") });
    expect(verdict.evidence.targets.notHealthy).toHaveLength(10);
  });
});

describe("checkAppAndAlarms", () => {
  const SINCE = Date.UTC(2025, 2, 4, 9, 0, 0);

  it("fails on an alarm that went to ALARM and back to OK since the batch began, naming it and both times", () => {
    const alarms = [{ name: "hello-prod-5xx", state: "OK" }];
    const transitions = [
      { name: "hello-prod-latency", at: "2025-03-04T09:01:00.000Z", from: "INSUFFICIENT_DATA", to: "OK" },
      { name: "hello-prod-5xx", at: "2025-03-04T09:02:00.000Z", from: "OK", to: "ALARM", reason: "Threshold Crossed" },
      { name: "hello-prod-5xx", at: "2025-03-04T09:03:00.000Z", from: "ALARM", to: "OK" },
    ];

    const verdict = checkAppAndAlarms(passed(), "v2", undefined, alarms, { since: SINCE, transitions });

    expect(verdict).toMatchObject({
      outcome: "fail",
      kind: "alarms",
      reason:
        "alarm hello-prod-5xx went to ALARM at 2025-03-04T09:02:00.000Z and back to OK at 2025-03-04T09:03:00.000Z, during the batch (since 2025-03-04T09:00:00.000Z)",
    });
    expect(verdict.evidence.alarmHistory).toEqual({ since: "2025-03-04T09:00:00.000Z", transitions: transitions.slice(1) });
  });

  it("passes when the history since the batch began holds no ALARM, keeping it as evidence", () => {
    const transitions = [{ name: "hello-prod-5xx", at: "2025-03-04T09:01:00.000Z", from: "INSUFFICIENT_DATA", to: "OK" }];

    const verdict = checkAppAndAlarms(passed(), "v2", undefined, [{ name: "hello-prod-5xx", state: "OK" }], { since: SINCE, transitions });

    expect(verdict.outcome).toBe("pass");
    expect(verdict.evidence.alarmHistory).toEqual({ since: "2025-03-04T09:00:00.000Z", transitions: [] });
  });

  it("passes when the app answers 200 with the release and no alarm fires, keeping all evidence", () => {
    const alarms = [{ name: "hello-prod-5xx", state: "OK" }];

    const verdict = checkAppAndAlarms(passed(), "v2", [probe("i-new001"), probe("i-new002")], alarms);

    expect(verdict).toEqual({
      outcome: "pass",
      evidence: {
        checkedAt: "2025-03-04T09:05:00.000Z",
        targets: { instances: 2, healthy: 2, notHealthy: [] },
        http: { checked: 2, passed: 2, failures: [] },
        alarms,
      },
    });
  });

  it("fails on an alarm in ALARM even while the targets are still being waited for", () => {
    const alarms = [
      { name: "hello-prod-5xx", state: "ALARM" },
      { name: "hello-prod-latency", state: "OK" },
    ];

    const verdict = checkAppAndAlarms(waitingVerdict(), "v2", undefined, alarms);

    expect(verdict).toMatchObject({ outcome: "fail", kind: "alarms", reason: "alarm hello-prod-5xx is in ALARM" });
    expect(verdict.evidence.alarms).toEqual(alarms);
    expect(verdict.evidence.targets.healthy).toBe(1);
  });

  it("keeps waiting, with the alarms as evidence, when targets wait and no alarm fires", () => {
    const alarms = [{ name: "hello-prod-5xx", state: "INSUFFICIENT_DATA" }];

    const verdict = checkAppAndAlarms(waitingVerdict(), "v2", [probe("i-new001")], alarms);

    expect(verdict).toMatchObject({ outcome: "wait", reason: "1 of 2 new instances healthy" });
    expect(verdict.evidence.alarms).toEqual(alarms);
    expect(verdict.evidence.http).toBeUndefined();
  });

  it("fails when the health endpoint answers 503", () => {
    const verdict = checkAppAndAlarms(passed(), "v2", [probe("i-new001"), probe("i-new002", { healthStatus: 503 })], []);

    expect(verdict).toMatchObject({ outcome: "fail", kind: "http", reason: "instance i-new002: health endpoint answered 503" });
    expect(verdict.evidence.http).toEqual({ checked: 2, passed: 1, failures: [{ instanceId: "i-new002", problem: "health endpoint answered 503" }] });
  });

  it("fails when the version endpoint reports another release", () => {
    const verdict = checkAppAndAlarms(passed(), "v2", [probe("i-new001", { version: "v1" })], []);

    expect(verdict).toMatchObject({ outcome: "fail", kind: "http", reason: 'instance i-new001: version endpoint reports "v1", expected "v2"' });
  });

  it("fails when the request itself failed", () => {
    const failed = probe("i-new001", { healthStatus: 0, error: "connect ECONNREFUSED 10.0.0.2:8080" });

    const verdict = checkAppAndAlarms(passed(), "v2", [failed], []);

    expect(verdict).toMatchObject({
      outcome: "fail",
      kind: "http",
      reason: "instance i-new001: health check request failed (connect ECONNREFUSED 10.0.0.2:8080)",
    });
  });

  it("keeps at most 10 HTTP failures as evidence, counting all", () => {
    const results = Array.from({ length: 30 }, (_, index) => probe(`i-new${String(index + 1).padStart(3, "0")}`, { healthStatus: index < 12 ? 500 : 200 }));

    const verdict = checkAppAndAlarms(passed(), "v2", results, undefined);

    expect(verdict.evidence.http?.checked).toBe(30);
    expect(verdict.evidence.http?.passed).toBe(18);
    expect(verdict.evidence.http?.failures).toHaveLength(10);
  });

  it("keeps a target failure as it was when the alarms are quiet", () => {
    const failedTargets: GateVerdict = { outcome: "fail", kind: "targets", reason: "instance i-new001 is unhealthy", evidence: passed().evidence };

    const verdict = checkAppAndAlarms(failedTargets, "v2", [probe("i-new001")], [{ name: "hello-prod-5xx", state: "OK" }]);

    expect(verdict).toMatchObject({ outcome: "fail", kind: "targets", reason: "instance i-new001 is unhealthy" });
  });
});

describe("targetGroupName", () => {
  it("reads the name out of a target group ARN", () => {
    expect(targetGroupName(TG_WEB)).toBe("web");
    expect(targetGroupName("not-an-arn")).toBe("not-an-arn");
  });
});
