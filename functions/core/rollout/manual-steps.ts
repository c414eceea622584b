import { describeFleet, launchedSince, type FleetView, type ObservedInstance } from "../fleet.js";
import type { RolloutPlan } from "./plan.js";
import { describeFailure, type CaughtFailure } from "./rollback.js";

const LISTED_IDS = 10;

function idList(instances: readonly ObservedInstance[]): string {
  const ids = instances
    .slice(0, LISTED_IDS)
    .map((instance) => instance.id)
    .join(" ");
  return instances.length > LISTED_IDS ? `${ids} (and ${instances.length - LISTED_IDS} more)` : ids;
}

/**
 * The cause of an execution that could not clean up after itself: what failed, what the fleet
 * looks like, and the commands a person runs to finish the job.
 */
export function manualStepsCause(
  plan: RolloutPlan,
  view: FleetView,
  what: "rollback" | "finish",
  failure: CaughtFailure | undefined,
  original: CaughtFailure | undefined,
): string {
  const group = view.group.name;
  const steps: string[] = [];
  const launched = view.fresh.filter((instance) => launchedSince(instance, plan.startedAt));
  if (what === "rollback") {
    if (view.retired.length > 0) {
      steps.push(
        `return the old instances to service: aws autoscaling exit-standby --auto-scaling-group-name ${group} --instance-ids ${idList(view.retired)} (20 ids per call)`,
      );
    }
    if (launched.length > 0) {
      // In a cycle every instance runs the release: "the instances on v1" would read as all of them.
      const which = plan.cycle ? "the instances this cycle launched" : `the instances on ${plan.release}`;
      steps.push(
        `then remove ${which}: aws autoscaling terminate-instance-in-auto-scaling-group --should-decrement-desired-capacity --instance-id <id> for ${idList(launched)}`,
      );
    }
    if (view.freshStandby.length > 0) {
      // Standby instances are outside desired capacity: a decrement would take it below the starting size.
      steps.push(
        `terminate the instances on ${plan.release} left in Standby: aws autoscaling terminate-instance-in-auto-scaling-group --no-should-decrement-desired-capacity --instance-id <id> for ${idList(view.freshStandby)}`,
      );
    }
    steps.push(`set the group tag gantry:release back to ${plan.previousRelease ?? "(none: delete it)"}`);
  } else if (view.retired.length > 0) {
    steps.push(
      `terminate the old instances left in Standby: aws autoscaling terminate-instance-in-auto-scaling-group --no-should-decrement-desired-capacity --instance-id <id> for ${idList(view.retired)}`,
    );
  }
  if (view.group.maxSize !== plan.baseline.maxSize) steps.push(`set MaxSize back to ${plan.baseline.maxSize}`);
  const head =
    what === "rollback"
      ? `Rollback of ${plan.release} on ${group} failed: ${describeFailure(failure)}. It was rolling back after ${describeFailure(original)}.`
      : `${plan.release} is serving on ${group}, but finishing the rollout failed: ${describeFailure(failure)}.`;
  const resumed = plan.suspend.length > 0 ? ` Scaling processes resumed (${plan.suspend.join(", ")}).` : "";
  return `${head}${resumed} Fleet now: ${describeFleet(view, plan.release)}. To finish by hand: ${steps.join("; ") || "nothing left to do"}.`;
}
