import { CloudWatchClient, DescribeAlarmHistoryCommand, DescribeAlarmsCommand, type MetricAlarm } from "@aws-sdk/client-cloudwatch";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import { readAlarmTransitions, readAlarms } from "../../../../functions/aws/rollout/alarms.js";
import { checkAppAndAlarms, type GateVerdict } from "../../../../functions/core/rollout/gate.js";

const cloudWatch = mockClient(CloudWatchClient);

afterEach(() => {
  cloudWatch.reset();
});

function metricAlarm(name: string, state: "OK" | "ALARM" | "INSUFFICIENT_DATA"): MetricAlarm {
  return {
    AlarmName: name,
    AlarmArn: `arn:aws:cloudwatch:eu-west-1:123456789012:alarm:${name}`,
    StateValue: state,
    StateReason: "Threshold Crossed: 1 datapoint [12.0 (04/03/25 09:00:00)] was greater than the threshold (5.0).",
    MetricName: "HTTPCode_Target_5XX_Count",
    Namespace: "AWS/ApplicationELB",
    Statistic: "Sum",
    Period: 60,
    EvaluationPeriods: 1,
    Threshold: 5,
    ComparisonOperator: "GreaterThanThreshold",
  };
}

function names(count: number): string[] {
  return Array.from({ length: count }, (_, index) => `hello-prod-alarm-${String(index + 1).padStart(3, "0")}`);
}

describe("readAlarms", () => {
  it("reads metric and composite alarms, in the order asked, and NOT_FOUND for names AWS does not know", async () => {
    cloudWatch.on(DescribeAlarmsCommand).resolves({
      MetricAlarms: [metricAlarm("hello-prod-5xx", "ALARM")],
      CompositeAlarms: [{ AlarmName: "hello-prod-health", StateValue: "OK", AlarmRule: 'ALARM("hello-prod-5xx")' }],
    });

    const states = await readAlarms(["hello-prod-health", "hello-prod-typo", "hello-prod-5xx"]);

    expect(states).toEqual([
      { name: "hello-prod-health", state: "OK" },
      { name: "hello-prod-typo", state: "NOT_FOUND" },
      { name: "hello-prod-5xx", state: "ALARM" },
    ]);
    expect(cloudWatch).toHaveReceivedCommandWith(DescribeAlarmsCommand, {
      AlarmNames: ["hello-prod-health", "hello-prod-typo", "hello-prod-5xx"],
      AlarmTypes: ["MetricAlarm", "CompositeAlarm"],
    });
  });

  it("reads a composite alarm in ALARM while the metric alarms under it are OK, so a gate on it fails", async () => {
    cloudWatch.on(DescribeAlarmsCommand).resolves({
      MetricAlarms: [metricAlarm("hello-prod-5xx", "OK")],
      CompositeAlarms: [
        {
          AlarmName: "hello-prod-health",
          AlarmArn: "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:hello-prod-health",
          AlarmRule: 'ALARM("hello-prod-5xx") OR ALARM("hello-prod-latency")',
          StateValue: "ALARM",
          StateReason: "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:hello-prod-latency transitioned to ALARM at Monday 03 March, 2025 09:00:00 UTC",
        },
      ],
    });

    const states = await readAlarms(["hello-prod-health", "hello-prod-5xx"]);
    const verdict = checkAppAndAlarms({ outcome: "pass", evidence: {} } as GateVerdict, "v2", undefined, states);

    expect(states).toEqual([
      { name: "hello-prod-health", state: "ALARM" },
      { name: "hello-prod-5xx", state: "OK" },
    ]);
    expect(verdict).toMatchObject({ outcome: "fail", kind: "alarms", reason: "alarm hello-prod-health is in ALARM" });
  });

  it("asks about at most 100 names per call", async () => {
    const all = names(150);
    cloudWatch.on(DescribeAlarmsCommand).callsFake((input: { AlarmNames?: string[] }) => ({
      MetricAlarms: (input.AlarmNames ?? []).map((name) => metricAlarm(name, "OK")),
    }));

    const states = await readAlarms(all);

    expect(states.every((alarm) => alarm.state === "OK")).toBe(true);
    const chunks = cloudWatch.commandCalls(DescribeAlarmsCommand).map((call) => call.args[0].input.AlarmNames ?? []);
    expect(chunks.map((chunk) => chunk.length)).toEqual([100, 50]);
    expect(chunks.flat()).toEqual(all);
  });

  it("follows NextToken when AWS splits the answer for one call into pages", async () => {
    // DescribeAlarms is a paginated operation: a page may hold fewer alarms than the names asked.
    const all = names(60);
    cloudWatch
      .on(DescribeAlarmsCommand)
      .resolvesOnce({ MetricAlarms: all.slice(0, 50).map((name) => metricAlarm(name, "OK")), NextToken: "page-2" })
      .resolvesOnce({ MetricAlarms: all.slice(50).map((name) => metricAlarm(name, "ALARM")) });

    const states = await readAlarms(all);

    expect(states.filter((alarm) => alarm.state === "ALARM").map((alarm) => alarm.name)).toEqual(all.slice(50));
    expect(states.filter((alarm) => alarm.state === "NOT_FOUND")).toEqual([]);
  });

  it("asks nothing when no alarms are named", async () => {
    const states = await readAlarms([]);

    expect(states).toEqual([]);
    expect(cloudWatch).not.toHaveReceivedCommand(DescribeAlarmsCommand);
  });
});

describe("readAlarmTransitions", () => {
  const since = Date.UTC(2025, 2, 4, 9, 0, 0);
  const until = Date.UTC(2025, 2, 4, 9, 10, 0);
  const stateUpdate = (name: string, at: string, from: string, to: string) => ({
    AlarmName: name,
    AlarmType: "MetricAlarm" as const,
    Timestamp: new Date(at),
    HistoryItemType: "StateUpdate" as const,
    HistorySummary: `Alarm updated from ${from} to ${to}`,
    HistoryData: JSON.stringify({
      version: "1.0",
      oldState: { stateValue: from, stateReason: "x" },
      newState: { stateValue: to, stateReason: "Threshold Crossed" },
    }),
  });

  it("asks for each alarm's state updates since the batch began, every page, and reads the states from HistoryData", async () => {
    cloudWatch
      .on(DescribeAlarmHistoryCommand, { AlarmName: "hello-prod-5xx" })
      .resolvesOnce({ AlarmHistoryItems: [stateUpdate("hello-prod-5xx", "2025-03-04T09:02:00Z", "OK", "ALARM")], NextToken: "page-2" })
      .resolvesOnce({ AlarmHistoryItems: [stateUpdate("hello-prod-5xx", "2025-03-04T09:03:00Z", "ALARM", "OK")] });
    cloudWatch.on(DescribeAlarmHistoryCommand, { AlarmName: "hello-prod-health" }).resolves({
      AlarmHistoryItems: [{ ...stateUpdate("hello-prod-health", "2025-03-04T09:01:00Z", "OK", "ALARM"), HistoryData: "not json" }],
    });

    const transitions = await readAlarmTransitions(["hello-prod-5xx", "hello-prod-health"], since, until);

    expect(transitions).toEqual([
      { name: "hello-prod-health", at: "2025-03-04T09:01:00.000Z", from: "OK", to: "ALARM" },
      { name: "hello-prod-5xx", at: "2025-03-04T09:02:00.000Z", from: "OK", to: "ALARM", reason: "Threshold Crossed" },
      { name: "hello-prod-5xx", at: "2025-03-04T09:03:00.000Z", from: "ALARM", to: "OK", reason: "Threshold Crossed" },
    ]);
    expect(cloudWatch).toHaveReceivedCommandTimes(DescribeAlarmHistoryCommand, 3);
    expect(cloudWatch).toHaveReceivedCommandWith(DescribeAlarmHistoryCommand, {
      AlarmName: "hello-prod-5xx",
      AlarmTypes: ["MetricAlarm", "CompositeAlarm"],
      HistoryItemType: "StateUpdate",
      StartDate: new Date(since),
      EndDate: new Date(until),
      ScanBy: "TimestampAscending",
      MaxRecords: 100,
    });
  });
});
