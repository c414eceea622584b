import type { DescribeAlarmsCommandInput, DescribeAlarmsCommandOutput, StateValue } from "@aws-sdk/client-cloudwatch";
import { CloudFault } from "./errors.js";
import type { Ids } from "./ids.js";
import { byKey, onlyParameters, page, type Operations, type Result } from "./operations.js";

interface AlarmRecord {
  name: string;
  state: StateValue;
  reason: string;
  updatedAt: number;
}

/** Alarms a scenario sets by hand; gantry only reads them, so no metrics are modelled. */
export class Alarms {
  private readonly byName = new Map<string, AlarmRecord>();

  /** Sets an alarm's state; the update time moves only when the state changes, as in CloudWatch. */
  set(name: string, state: StateValue, reason: string, at: number): void {
    const current = this.byName.get(name);
    const updatedAt = current?.state === state ? current.updatedAt : at;
    this.byName.set(name, { name, state, reason, updatedAt });
  }

  /** The CloudWatch operations gantry calls. */
  operations(ids: Ids): Operations {
    return {
      /** Every alarm here is a metric alarm: asking only for composite alarms finds none. */
      DescribeAlarms: (input: DescribeAlarmsCommandInput): Result<DescribeAlarmsCommandOutput> => {
        onlyParameters("cloudwatch", "DescribeAlarms", input, ["AlarmNames", "AlarmTypes", "MaxRecords", "NextToken"]);
        const limit = input.MaxRecords ?? 50;
        if (limit < 1 || limit > 100) {
          throw new CloudFault("InvalidParameterValue", `The value ${limit} for parameter MaxRecords is not between 1 and 100.`);
        }
        const wantsMetric = input.AlarmTypes === undefined || input.AlarmTypes.includes("MetricAlarm");
        const names = input.AlarmNames ?? [...this.byName.keys()];
        const alarms = names
          .flatMap((name) => this.byName.get(name) ?? [])
          .filter(() => wantsMetric)
          .sort(byKey((alarm) => alarm.name));
        const result = page(alarms, (alarm) => alarm.name, limit, input.NextToken, "InvalidNextToken");
        return {
          MetricAlarms: result.items.map((alarm) => ({
            AlarmName: alarm.name,
            AlarmArn: ids.alarmArn(alarm.name),
            StateValue: alarm.state,
            StateReason: alarm.reason,
            StateUpdatedTimestamp: new Date(alarm.updatedAt),
          })),
          CompositeAlarms: [],
          NextToken: result.nextToken,
        };
      },
    };
  }
}
