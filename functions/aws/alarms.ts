import { DescribeAlarmsCommand } from "@aws-sdk/client-cloudwatch";
import type { AlarmState } from "../core/gate.js";
import { cloudWatch } from "./clients.js";

/** DescribeAlarms takes at most 100 alarm names per call. */
const NAMES_PER_CALL = 100;

/** State of each named alarm (metric or composite); a name AWS does not know reads NOT_FOUND. */
export async function readAlarms(names: readonly string[]): Promise<AlarmState[]> {
  const states = new Map<string, string>();
  for (let start = 0; start < names.length; start += NAMES_PER_CALL) {
    const chunk = names.slice(start, start + NAMES_PER_CALL);
    const answer = await cloudWatch.send(new DescribeAlarmsCommand({ AlarmNames: chunk, AlarmTypes: ["MetricAlarm", "CompositeAlarm"] }));
    for (const alarm of [...(answer.MetricAlarms ?? []), ...(answer.CompositeAlarms ?? [])]) {
      if (alarm.AlarmName) states.set(alarm.AlarmName, alarm.StateValue ?? "INSUFFICIENT_DATA");
    }
  }
  return names.map((name) => ({ name, state: states.get(name) ?? "NOT_FOUND" }));
}
