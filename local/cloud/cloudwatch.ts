import type { AlarmType, DescribeAlarmsCommandInput, DescribeAlarmsCommandOutput, StateValue } from "@aws-sdk/client-cloudwatch";
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

/**
 * Alarms a scenario sets by hand, metric or composite; gantry only reads them, so no metrics are
 * modelled and a composite alarm's rule is not evaluated: the scenario sets its state too.
 */
export class Alarms {
  private readonly byName = new Map<string, AlarmRecord>();

  /**
   * Sets an alarm's state; the update time moves only when the state changes, as in CloudWatch.
   * Alarm names are unique across both types, so an alarm keeps the type it was created with.
   */
  set(name: string, state: StateValue, reason: string, at: number, type: AlarmType = "MetricAlarm"): void {
    const current = this.byName.get(name);
    if (current && current.type !== type) throw new LocalCloudSetupError(`Alarm ${name} is a ${current.type}; it cannot be set as a ${type}.`);
    const updatedAt = current?.state === state ? current.updatedAt : at;
    this.byName.set(name, { name, type, state, reason, updatedAt });
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
    };
  }
}
