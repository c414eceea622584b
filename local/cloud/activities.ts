import type { Activity, DescribeScalingActivitiesCommandInput, DescribeScalingActivitiesCommandOutput } from "@aws-sdk/client-auto-scaling";
import { validationError } from "./errors.js";
import type { Fleet } from "./fleet.js";
import type { Ids } from "./ids.js";
import type { ActivityRecord, GroupRecord } from "./model.js";
import { isoSeconds, onlyParameters, page, type Operations, type Result } from "./operations.js";

/** Causes in the words Auto Scaling uses in its scaling activities. */
export const LAUNCH_CAUSE = "an instance was started in response to a difference between desired and actual capacity";
export const SCALE_IN_CAUSE =
  "an instance was taken out of service in response to a difference between desired and actual capacity, " + "shrinking the capacity";

/** EC2 state reasons, as DescribeInstances reports them. */
export const USER_SHUTDOWN = {
  code: "Client.UserInitiatedShutdown",
  message: "Client.UserInitiatedShutdown: User initiated shutdown",
};
export const LAUNCH_ERROR = { code: "Server.InternalError", message: "Server.InternalError: Internal error on launch" };

/**
 * What Auto Scaling writes in a failed launch activity's StatusMessage when the instance it
 * launched never reached InService; `failLaunches` scripts others (capacity, IAM, launch template).
 */
export const LAUNCH_FAILED_MESSAGE =
  "Instance became unhealthy while waiting for instance to be in InService state. Termination Reason: Server.InternalError: Internal error on launch";

/**
 * Records a scaling activity on the group, so a test can see what the group did on its own
 * (launches, scale-in, failed launches) and why.
 */
export function recordActivity(ids: Ids, group: GroupRecord, at: number, description: string, cause: string, failure?: string): void {
  group.activities.push({
    activityId: ids.uuid(),
    at,
    description,
    cause: `At ${isoSeconds(at)} ${cause}.`,
    status: failure === undefined ? "Successful" : "Failed",
    ...(failure === undefined ? {} : { statusMessage: failure }),
  });
}

/**
 * DescribeScalingActivities: one group's activities, newest first (the API reference: "in order
 * by start time, most recent first"), `MaxRecords` 1–100 (default 100) with `NextToken`. Every
 * activity in the model is finished: Progress 100, EndTime = StartTime.
 */
export function scalingActivityOperations(fleet: Fleet): Operations {
  return {
    DescribeScalingActivities(input: DescribeScalingActivitiesCommandInput): Result<DescribeScalingActivitiesCommandOutput> {
      onlyParameters("autoscaling", "DescribeScalingActivities", input, ["AutoScalingGroupName", "ActivityIds", "MaxRecords", "NextToken"]);
      const limit = input.MaxRecords ?? 100;
      if (limit < 1 || limit > 100) {
        throw validationError(
          `1 validation error detected: Value '${limit}' at 'maxRecords' failed to satisfy constraint: Member must have value between 1 and 100`,
        );
      }
      const groups = input.AutoScalingGroupName !== undefined ? [fleet.group(input.AutoScalingGroupName)] : [...fleet.groups.values()];
      const wanted = input.ActivityIds && input.ActivityIds.length > 0 ? new Set(input.ActivityIds) : undefined;
      const rows = groups
        .flatMap((group) => group.activities.map((activity, index) => ({ group, activity, index })))
        .filter((row) => wanted === undefined || wanted.has(row.activity.activityId))
        .sort((a, b) => b.activity.at - a.activity.at || b.index - a.index);
      // Page tokens compare keys as strings: newest first is a countdown of time and position.
      const keyed = rows.map((row) => ({
        row,
        key: `${(1e14 - row.activity.at).toString().padStart(15, "0")}:${(1e9 - row.index).toString().padStart(10, "0")}`,
      }));
      const result = page(keyed, (item) => item.key, limit, input.NextToken, "InvalidNextToken");
      return { Activities: result.items.map(({ row }) => describeActivity(row.group, row.activity)), NextToken: result.nextToken };
    },
  };
}

function describeActivity(group: GroupRecord, activity: ActivityRecord): Activity {
  return {
    ActivityId: activity.activityId,
    AutoScalingGroupName: group.name,
    AutoScalingGroupARN: group.arn,
    Description: activity.description,
    Cause: activity.cause,
    StartTime: new Date(activity.at),
    EndTime: new Date(activity.at),
    StatusCode: activity.status,
    ...(activity.statusMessage !== undefined ? { StatusMessage: activity.statusMessage } : {}),
    Progress: 100,
    Details: JSON.stringify({ "Availability Zone": group.availabilityZones[0] ?? "" }),
  };
}
