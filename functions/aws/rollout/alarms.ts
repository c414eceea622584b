import { CloudWatchClient, paginateDescribeAlarms } from "@aws-sdk/client-cloudwatch";
import type { AlarmState } from "../../core/rollout/gate.js";
import { runtime } from "../runtime.js";

/** DescribeAlarms takes at most 100 alarm names per call, and pages its answer. */
const NAMES_PER_CALL = 100;

/** State of each named alarm (metric or composite); a name AWS does not know reads NOT_FOUND. */
export async function readAlarms(names: readonly string[]): Promise<AlarmState[]> {
  const states = new Map<string, string>();
  for (let start = 0; start < names.length; start += NAMES_PER_CALL) {
    const chunk = names.slice(start, start + NAMES_PER_CALL);
    const pages = paginateDescribeAlarms(
      { client: runtime().client(CloudWatchClient), pageSize: NAMES_PER_CALL },
      { AlarmNames: chunk, AlarmTypes: ["MetricAlarm", "CompositeAlarm"] },
    );
    for await (const page of pages) {
      for (const alarm of [...(page.MetricAlarms ?? []), ...(page.CompositeAlarms ?? [])]) {
        if (alarm.AlarmName) states.set(alarm.AlarmName, alarm.StateValue ?? "INSUFFICIENT_DATA");
      }
    }
  }
  return names.map((name) => ({ name, state: states.get(name) ?? "NOT_FOUND" }));
}
