import { CloudWatchClient, paginateDescribeAlarmHistory, paginateDescribeAlarms, type AlarmHistoryItem } from "@aws-sdk/client-cloudwatch";
import pLimit from "p-limit";
import type { AlarmState, AlarmTransition } from "../../core/rollout/gate.js";
import { runtime } from "../runtime.js";

/** DescribeAlarms takes at most 100 alarm names per call, and pages its answer. */
const NAMES_PER_CALL = 100;

/** DescribeAlarmHistory pages at most 100 items; CloudWatch publishes no rate, so a few alarms at a time. */
const HISTORY_PAGE = 100;
const limit = pLimit(4);

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

/**
 * Every change of state of the named alarms from `since` to `until`, oldest first. DescribeAlarmHistory
 * takes one alarm name per call, so each alarm is read on its own, all its pages; only StateUpdate
 * items, of metric and composite alarms alike.
 */
export async function readAlarmTransitions(names: readonly string[], since: number, until: number): Promise<AlarmTransition[]> {
  const perAlarm = await Promise.all(
    names.map((name) =>
      limit(async () => {
        const transitions: AlarmTransition[] = [];
        const pages = paginateDescribeAlarmHistory(
          { client: runtime().client(CloudWatchClient), pageSize: HISTORY_PAGE },
          {
            AlarmName: name,
            AlarmTypes: ["MetricAlarm", "CompositeAlarm"],
            HistoryItemType: "StateUpdate",
            StartDate: new Date(since),
            EndDate: new Date(until),
            ScanBy: "TimestampAscending",
          },
        );
        for await (const page of pages) for (const item of page.AlarmHistoryItems ?? []) transitions.push(transitionOf(name, item));
        return transitions;
      }),
    ),
  );
  return perAlarm.flat().sort((a, b) => a.at.localeCompare(b.at));
}

/**
 * HistoryData is a JSON document in a string: `oldState.stateValue` and `newState.stateValue`.
 * Where it cannot be read, the summary ("Alarm updated from OK to ALARM") says the same.
 */
function transitionOf(name: string, item: AlarmHistoryItem): AlarmTransition {
  const at = (item.Timestamp ?? new Date(0)).toISOString();
  try {
    const data = JSON.parse(item.HistoryData ?? "") as { oldState?: { stateValue?: string }; newState?: { stateValue?: string; stateReason?: string } };
    if (data.newState?.stateValue) {
      return {
        name,
        at,
        from: data.oldState?.stateValue ?? "UNKNOWN",
        to: data.newState.stateValue,
        ...(data.newState.stateReason ? { reason: data.newState.stateReason.slice(0, 200) } : {}),
      };
    }
  } catch {
    // not JSON: fall back to the summary below
  }
  const summary = /from (\w+) to (\w+)/.exec(item.HistorySummary ?? "");
  return { name, at, from: summary?.[1] ?? "UNKNOWN", to: summary?.[2] ?? "UNKNOWN" };
}
