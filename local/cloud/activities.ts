import type { Ids } from "./ids.js";
import type { GroupRecord } from "./model.js";
import { isoSeconds } from "./operations.js";

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
