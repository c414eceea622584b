import type {
  AlarmHistoryItem,
  AlarmType,
  DescribeAlarmHistoryCommandInput,
  DescribeAlarmHistoryCommandOutput,
  DescribeAlarmsCommandInput,
  DescribeAlarmsCommandOutput,
  HistoryItemType,
  StateValue,
} from "@aws-sdk/client-cloudwatch";
import { CloudFault, LocalCloudSetupError } from "./errors.js";
import type { Ids } from "./ids.js";
import { byKey, onlyParameters, page, type Operations, type Result } from "./operations.js";

interface AlarmRecord {
  name: string;
  type: AlarmType;
  state: StateValue;
  reason: string;
  updatedAt: number;
}

/** One entry of an alarm's history, as CloudWatch keeps it (two weeks, in CloudWatch). */
interface HistoryRecord {
  name: string;
  type: AlarmType;
  kind: HistoryItemType;
  at: number;
  summary: string;
  /** CloudWatch's HistoryData: a JSON document, as a string. */
  data: string;
  /** Orders entries of the same millisecond and makes page tokens stable. */
  sequence: number;
}

/**
 * Alarms a scenario sets by hand, metric or composite; gantry only reads them, so no metrics are
 * modelled and a composite alarm's rule is not evaluated: the scenario sets its state too.
 */
export class Alarms {
  private readonly byName = new Map<string, AlarmRecord>();
  private readonly history: HistoryRecord[] = [];

  /**
   * Sets an alarm's state; the update time moves only when the state changes, as in CloudWatch.
   * Alarm names are unique across both types, so an alarm keeps the type it was created with.
   */
  set(name: string, state: StateValue, reason: string, at: number, type: AlarmType = "MetricAlarm"): void {
    const current = this.byName.get(name);
    if (current && current.type !== type) throw new LocalCloudSetupError(`Alarm ${name} is a ${current.type}; it cannot be set as a ${type}.`);
    const updatedAt = current?.state === state ? current.updatedAt : at;
    this.byName.set(name, { name, type, state, reason, updatedAt });
    // CloudWatch records the creation, then every change of state, with the old and new state in HistoryData.
    if (!current)
      this.record(name, type, "ConfigurationUpdate", at, `Alarm "${name}" created`, { version: "1.0", type: "Create", createdAlarm: { alarmName: name } });
    const old = current ?? { state: "INSUFFICIENT_DATA", reason: "Unchecked: Initial alarm creation" };
    if (old.state !== state) {
      this.record(name, type, "StateUpdate", at, `Alarm updated from ${old.state} to ${state}`, {
        version: "1.0",
        oldState: { stateValue: old.state, stateReason: old.reason },
        newState: { stateValue: state, stateReason: reason },
      });
    }
  }

  private record(name: string, type: AlarmType, kind: HistoryItemType, at: number, summary: string, data: object): void {
    this.history.push({ name, type, kind, at, summary, data: JSON.stringify(data), sequence: this.history.length });
  }

  /** The CloudWatch operations gantry calls. */
  operations(ids: Ids): Operations {
    return {
      /**
       * Without AlarmTypes, CloudWatch answers with metric alarms only, even where composite
       * alarms of those names exist; both types share one page of MaxRecords alarms.
       */
      DescribeAlarms: (input: DescribeAlarmsCommandInput): Result<DescribeAlarmsCommandOutput> => {
        onlyParameters("cloudwatch", "DescribeAlarms", input, ["AlarmNames", "AlarmTypes", "MaxRecords", "NextToken"]);
        const limit = input.MaxRecords ?? 50;
        if (limit < 1 || limit > 100) {
          throw new CloudFault("InvalidParameterValue", `The value ${limit} for parameter MaxRecords is not between 1 and 100.`);
        }
        const types = new Set<AlarmType>(input.AlarmTypes ?? ["MetricAlarm"]);
        const names = input.AlarmNames ?? [...this.byName.keys()];
        const alarms = names
          .flatMap((name) => this.byName.get(name) ?? [])
          .filter((alarm) => types.has(alarm.type))
          .sort(byKey((alarm) => alarm.name));
        const result = page(alarms, (alarm) => alarm.name, limit, input.NextToken, "InvalidNextToken");
        const describe = (alarm: AlarmRecord) => ({
          AlarmName: alarm.name,
          AlarmArn: ids.alarmArn(alarm.name),
          StateValue: alarm.state,
          StateReason: alarm.reason,
          StateUpdatedTimestamp: new Date(alarm.updatedAt),
        });
        return {
          MetricAlarms: result.items.filter((alarm) => alarm.type === "MetricAlarm").map(describe),
          CompositeAlarms: result.items.filter((alarm) => alarm.type === "CompositeAlarm").map(describe),
          NextToken: result.nextToken,
        };
      },

      /**
       * One alarm's history (or every alarm's, without AlarmName), newest first unless ScanBy says
       * TimestampAscending; StartDate and EndDate bound it inclusively; metric alarms only unless
       * AlarmTypes asks for composite ones, as DescribeAlarms; pages of MaxRecords (1–100, default 100).
       */
      DescribeAlarmHistory: (input: DescribeAlarmHistoryCommandInput): Result<DescribeAlarmHistoryCommandOutput> => {
        onlyParameters("cloudwatch", "DescribeAlarmHistory", input, [
          "AlarmName",
          "AlarmTypes",
          "HistoryItemType",
          "StartDate",
          "EndDate",
          "MaxRecords",
          "NextToken",
          "ScanBy",
        ]);
        const limit = input.MaxRecords ?? 100;
        if (limit < 1 || limit > 100) {
          throw new CloudFault("InvalidParameterValue", `The value ${limit} for parameter MaxRecords is not between 1 and 100.`);
        }
        const types = new Set<AlarmType>(input.AlarmTypes ?? ["MetricAlarm"]);
        const from = input.StartDate?.getTime() ?? Number.NEGATIVE_INFINITY;
        const to = input.EndDate?.getTime() ?? Number.POSITIVE_INFINITY;
        const ascending = input.ScanBy === "TimestampAscending";
        const entries = this.history
          .filter((entry) => input.AlarmName === undefined || entry.name === input.AlarmName)
          .filter((entry) => types.has(entry.type) && (input.HistoryItemType === undefined || entry.kind === input.HistoryItemType))
          .filter((entry) => entry.at >= from && entry.at <= to)
          .sort((a, b) => (ascending ? a.sequence - b.sequence : b.sequence - a.sequence));
        // Page tokens compare keys as strings: the entry's sequence, fixed width (counted down when
        // newest first), orders them as the scan does and stays put while new entries arrive.
        const keyed = entries.map((entry) => ({ entry, key: (ascending ? entry.sequence : 1e12 - entry.sequence).toString().padStart(13, "0") }));
        const result = page(keyed, (item) => item.key, limit, input.NextToken, "InvalidNextToken");
        const items: AlarmHistoryItem[] = result.items.map(({ entry }) => ({
          AlarmName: entry.name,
          AlarmType: entry.type,
          Timestamp: new Date(entry.at),
          HistoryItemType: entry.kind,
          HistorySummary: entry.summary,
          HistoryData: entry.data,
        }));
        return { AlarmHistoryItems: items, NextToken: result.nextToken };
      },
    };
  }
}
