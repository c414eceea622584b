import { AutoScalingClient, paginateDescribeScalingActivities } from "@aws-sdk/client-auto-scaling";
import { EC2Client, GetConsoleOutputCommand } from "@aws-sdk/client-ec2";
import { consoleTail, keepActivities, type ActivityEvidence, type ConsoleEvidence, type FailureEvidence } from "../../core/rollout/failure-evidence.js";
import { runtime } from "../runtime.js";

/** Statuses of an activity that did not do what it set out to (DescribeScalingActivities StatusCode). */
const FAILED = new Set(["Failed", "Cancelled"]);

/** Activities per page; a failing batch shows within the newest few. */
const ACTIVITY_PAGE = 50;

/**
 * What AWS says about a batch that will not come up: the tail of each instance's console
 * (GetConsoleOutput) and the group's failed or cancelled scaling activities since `since`.
 * A read that fails leaves its part out rather than hiding the failure being explained.
 */
export async function readFailureEvidence(group: string, instanceIds: readonly string[], since: number): Promise<FailureEvidence> {
  const [console, activities] = await Promise.all([Promise.all(instanceIds.map(readConsole)), readFailedActivities(group, since).catch(() => [])]);
  return { console, activities };
}

/**
 * `Latest` asks Nitro instances for the latest output instead of the last boot's snapshot;
 * other instance types refuse it (UnsupportedOperation), and are asked again without it.
 */
async function readConsole(instanceId: string): Promise<ConsoleEvidence> {
  const ec2 = runtime().client(EC2Client);
  try {
    let answer;
    try {
      answer = await ec2.send(new GetConsoleOutputCommand({ InstanceId: instanceId, Latest: true }));
    } catch (error) {
      if (!(error instanceof Error && error.name === "UnsupportedOperation")) throw error;
      answer = await ec2.send(new GetConsoleOutputCommand({ InstanceId: instanceId }));
    }
    const text = answer.Output ? Buffer.from(answer.Output, "base64").toString("utf8") : "";
    return { instanceId, tail: consoleTail(text) };
  } catch (error) {
    return { instanceId, tail: [], unavailable: error instanceof Error ? error.name : String(error) };
  }
}

/** Newest first: pages are read until they reach activities older than `since`. */
async function readFailedActivities(group: string, since: number): Promise<ActivityEvidence[]> {
  const failed: ActivityEvidence[] = [];
  const pages = paginateDescribeScalingActivities({ client: runtime().client(AutoScalingClient), pageSize: ACTIVITY_PAGE }, { AutoScalingGroupName: group });
  for await (const page of pages) {
    let older = false;
    for (const activity of page.Activities ?? []) {
      const at = activity.StartTime?.getTime() ?? 0;
      if (at < Math.floor(since / 1000) * 1000) {
        older = true;
        continue;
      }
      if (!FAILED.has(activity.StatusCode ?? "")) continue;
      failed.push({
        at: new Date(at).toISOString(),
        status: activity.StatusCode ?? "Failed",
        description: activity.Description ?? "",
        message: activity.StatusMessage ?? activity.Description ?? "",
      });
    }
    if (older) break;
  }
  return keepActivities(failed);
}
