import { DescribeAlarmHistoryCommand, DescribeAlarmsCommand, paginateDescribeAlarmHistory, paginateDescribeAlarms } from "@aws-sdk/client-cloudwatch";
import { describe, expect, it } from "vitest";
import { helloFleet, seconds } from "./fixtures.js";

describe("DescribeAlarms", () => {
  it("reports alarm states set by the scenario and leaves unknown names out", async () => {
    const { cloud, cloudWatch, clock } = helloFleet();
    cloud.setAlarm("hello-prod-5xx", "OK");
    clock.advance(seconds(90));
    cloud.setAlarm("hello-prod-5xx", "ALARM", "Threshold Crossed: 1 datapoint [12.0] was greater than the threshold (5.0).");

    const out = await cloudWatch.send(new DescribeAlarmsCommand({ AlarmNames: ["hello-prod-5xx", "unknown"] }));

    expect(out.MetricAlarms).toEqual([
      expect.objectContaining({
        AlarmName: "hello-prod-5xx",
        StateValue: "ALARM",
        StateReason: "Threshold Crossed: 1 datapoint [12.0] was greater than the threshold (5.0).",
        StateUpdatedTimestamp: new Date(Date.UTC(2026, 0, 5, 9, 1, 30)),
      }),
    ]);
  });

  it("pages with the SDK's paginator and honours AlarmTypes", async () => {
    const { cloud, cloudWatch } = helloFleet();
    const names = ["a", "b", "c", "d", "e"].map((n) => `hello-prod-${n}`);
    names.forEach((name, i) => cloud.setAlarm(name, i === 3 ? "ALARM" : "OK"));

    const seen: string[] = [];
    for await (const page of paginateDescribeAlarms(
      { client: cloudWatch, pageSize: 2 },
      { AlarmNames: names, AlarmTypes: ["MetricAlarm", "CompositeAlarm"] },
    )) {
      for (const alarm of page.MetricAlarms ?? []) seen.push(`${alarm.AlarmName}=${alarm.StateValue}`);
    }
    const compositeOnly = await cloudWatch.send(new DescribeAlarmsCommand({ AlarmNames: names, AlarmTypes: ["CompositeAlarm"] }));

    expect(seen).toEqual(["hello-prod-a=OK", "hello-prod-b=OK", "hello-prod-c=OK", "hello-prod-d=ALARM", "hello-prod-e=OK"]);
    expect(cloud.calls.byCommand["DescribeAlarms"]).toBe(4);
    expect(compositeOnly.MetricAlarms).toEqual([]);
  });

  it("answers for composite alarms only when AlarmTypes asks for them, in one page of MaxRecords with the metric alarms", async () => {
    const { cloud, cloudWatch } = helloFleet();
    cloud.setAlarm("hello-prod-5xx", "OK");
    cloud.setCompositeAlarm("hello-prod-health", "ALARM");

    const untyped = await cloudWatch.send(new DescribeAlarmsCommand({ AlarmNames: ["hello-prod-5xx", "hello-prod-health"] }));
    const both = await cloudWatch.send(
      new DescribeAlarmsCommand({ AlarmNames: ["hello-prod-5xx", "hello-prod-health"], AlarmTypes: ["MetricAlarm", "CompositeAlarm"], MaxRecords: 1 }),
    );
    const next = await cloudWatch.send(
      new DescribeAlarmsCommand({
        AlarmNames: ["hello-prod-5xx", "hello-prod-health"],
        AlarmTypes: ["MetricAlarm", "CompositeAlarm"],
        MaxRecords: 1,
        NextToken: both.NextToken,
      }),
    );

    expect(untyped.MetricAlarms?.map((alarm) => alarm.AlarmName)).toEqual(["hello-prod-5xx"]);
    expect(untyped.CompositeAlarms).toEqual([]);
    expect([both.MetricAlarms?.map((alarm) => alarm.AlarmName), both.CompositeAlarms]).toEqual([["hello-prod-5xx"], []]);
    expect(next.CompositeAlarms).toEqual([expect.objectContaining({ AlarmName: "hello-prod-health", StateValue: "ALARM" })]);
    expect(next.NextToken).toBeUndefined();
  });

  it("rejects setting a metric alarm's name as a composite alarm: one name space for both", () => {
    const { cloud } = helloFleet();
    cloud.setAlarm("hello-prod-5xx", "OK");

    expect(() => cloud.setCompositeAlarm("hello-prod-5xx", "ALARM")).toThrow("Alarm hello-prod-5xx is a MetricAlarm; it cannot be set as a CompositeAlarm.");
  });
});

describe("DescribeAlarmHistory", () => {
  it("records the creation and every change of state, with the states in HistoryData, newest first", async () => {
    const { cloud, cloudWatch, clock } = helloFleet();
    cloud.setAlarm("hello-prod-5xx", "OK");
    clock.advance(seconds(60));
    cloud.setAlarm("hello-prod-5xx", "ALARM", "Threshold Crossed: 1 datapoint [12.0] was greater than the threshold (5.0).");
    cloud.setAlarm("hello-prod-5xx", "ALARM", "Still crossed");
    clock.advance(seconds(60));
    cloud.setAlarm("hello-prod-5xx", "OK", "Threshold Crossed: 1 datapoint [1.0] was not greater than the threshold (5.0).");

    const out = await cloudWatch.send(new DescribeAlarmHistoryCommand({ AlarmName: "hello-prod-5xx" }));

    expect(out.AlarmHistoryItems?.map((item) => [item.HistoryItemType, item.HistorySummary])).toEqual([
      ["StateUpdate", "Alarm updated from ALARM to OK"],
      ["StateUpdate", "Alarm updated from OK to ALARM"],
      ["StateUpdate", "Alarm updated from INSUFFICIENT_DATA to OK"],
      ["ConfigurationUpdate", 'Alarm "hello-prod-5xx" created'],
    ]);
    const flap = out.AlarmHistoryItems?.[1];
    expect(flap).toMatchObject({ AlarmName: "hello-prod-5xx", AlarmType: "MetricAlarm", Timestamp: new Date(Date.UTC(2026, 0, 5, 9, 1, 0)) });
    expect(JSON.parse(flap?.HistoryData ?? "")).toEqual({
      version: "1.0",
      oldState: { stateValue: "OK", stateReason: "Set by the local cloud to OK" },
      newState: { stateValue: "ALARM", stateReason: "Threshold Crossed: 1 datapoint [12.0] was greater than the threshold (5.0)." },
    });
  });

  it("filters by item type, dates and alarm type, and pages oldest first with the SDK's paginator", async () => {
    const { cloud, cloudWatch, clock } = helloFleet();
    const start = clock.now();
    for (const state of ["OK", "ALARM", "OK", "ALARM", "OK"] as const) {
      cloud.setAlarm("hello-prod-5xx", state);
      clock.advance(seconds(10));
    }
    cloud.setCompositeAlarm("hello-prod-all", "ALARM");

    const seen: string[] = [];
    for await (const page of paginateDescribeAlarmHistory(
      { client: cloudWatch, pageSize: 2 },
      { AlarmName: "hello-prod-5xx", HistoryItemType: "StateUpdate", StartDate: new Date(start + seconds(10)), ScanBy: "TimestampAscending" },
    )) {
      for (const item of page.AlarmHistoryItems ?? []) seen.push(item.HistorySummary ?? "");
    }
    const metricOnly = await cloudWatch.send(new DescribeAlarmHistoryCommand({ AlarmName: "hello-prod-all" }));
    const composite = await cloudWatch.send(new DescribeAlarmHistoryCommand({ AlarmName: "hello-prod-all", AlarmTypes: ["CompositeAlarm"] }));

    expect(seen).toEqual([
      "Alarm updated from OK to ALARM",
      "Alarm updated from ALARM to OK",
      "Alarm updated from OK to ALARM",
      "Alarm updated from ALARM to OK",
    ]);
    expect(cloud.calls.byCommand["DescribeAlarmHistory"]).toBe(4);
    expect(metricOnly.AlarmHistoryItems).toEqual([]);
    expect(composite.AlarmHistoryItems?.map((item) => item.AlarmType)).toEqual(["CompositeAlarm", "CompositeAlarm"]);
  });

  it("rejects MaxRecords outside 1–100", async () => {
    const { cloudWatch } = helloFleet();

    await expect(cloudWatch.send(new DescribeAlarmHistoryCommand({ MaxRecords: 101 }))).rejects.toThrow(/MaxRecords is not between 1 and 100/);
  });
});
