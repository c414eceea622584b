import { DescribeAlarmsCommand, paginateDescribeAlarms } from "@aws-sdk/client-cloudwatch";
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
    for await (const page of paginateDescribeAlarms({ client: cloudWatch, pageSize: 2 }, { AlarmNames: names, AlarmTypes: ["MetricAlarm", "CompositeAlarm"] })) {
      for (const alarm of page.MetricAlarms ?? []) seen.push(`${alarm.AlarmName}=${alarm.StateValue}`);
    }
    const compositeOnly = await cloudWatch.send(new DescribeAlarmsCommand({ AlarmNames: names, AlarmTypes: ["CompositeAlarm"] }));

    expect(seen).toEqual(["hello-prod-a=OK", "hello-prod-b=OK", "hello-prod-c=OK", "hello-prod-d=ALARM", "hello-prod-e=OK"]);
    expect(cloud.calls.byCommand["DescribeAlarms"]).toBe(4);
    expect(compositeOnly.MetricAlarms).toEqual([]);
  });
});
