import {
  DescribeTargetGroupAttributesCommand,
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  DeregisterTargetsCommand,
  ElasticLoadBalancingV2Client,
  RegisterTargetsCommand,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import pLimit from "p-limit";
import { TargetGroupNotFoundError } from "../../core/errors.js";
import type { TargetHealth } from "../../core/fleet.js";
import type { TargetGroupTiming } from "../../core/rollout/plan.js";
import { runtime } from "../runtime.js";

/** ELB's read APIs have no published rate; four at a time stays well under any throttle. */
const limit = pLimit(4);

/** DescribeTargetGroups takes at most 20 ARNs per call. */
const ARNS_PER_CALL = 20;

/**
 * Health of every target in the given target groups. DescribeTargetHealth is not paginated:
 * one call returns a whole target group (at most 1,000 targets).
 */
export async function readTargetHealth(targetGroupArns: readonly string[]): Promise<TargetHealth[]> {
  const perGroup = await Promise.all(
    targetGroupArns.map((arn) =>
      limit(async () => {
        const answer = await describe(arn, () =>
          runtime()
            .client(ElasticLoadBalancingV2Client)
            .send(new DescribeTargetHealthCommand({ TargetGroupArn: arn })),
        );
        return (answer.TargetHealthDescriptions ?? []).flatMap((row): TargetHealth[] =>
          row.Target?.Id
            ? [
                {
                  targetGroupArn: arn,
                  instanceId: row.Target.Id,
                  state: row.TargetHealth?.State ?? "unknown",
                  ...(row.TargetHealth?.Reason ? { reason: row.TargetHealth.Reason } : {}),
                },
              ]
            : [],
        );
      }),
    ),
  );
  return perGroup.flat();
}

/** Health check and draining settings of each target group; fails if one does not exist. */
export async function readTargetGroupTimings(targetGroupArns: readonly string[]): Promise<TargetGroupTiming[]> {
  const timings: TargetGroupTiming[] = [];
  for (let start = 0; start < targetGroupArns.length; start += ARNS_PER_CALL) {
    const chunk = targetGroupArns.slice(start, start + ARNS_PER_CALL);
    const answer = await describe(chunk.join(", "), () =>
      runtime()
        .client(ElasticLoadBalancingV2Client)
        .send(new DescribeTargetGroupsCommand({ TargetGroupArns: chunk })),
    );
    const groups = answer.TargetGroups ?? [];
    const found = await Promise.all(
      groups.map((group) =>
        limit(async () => {
          const arn = group.TargetGroupArn ?? "";
          const attributes = await runtime()
            .client(ElasticLoadBalancingV2Client)
            .send(new DescribeTargetGroupAttributesCommand({ TargetGroupArn: arn }));
          const delay = attributes.Attributes?.find((attribute) => attribute.Key === "deregistration_delay.timeout_seconds")?.Value;
          return {
            arn,
            healthCheckIntervalSeconds: group.HealthCheckIntervalSeconds ?? 30,
            healthyThresholdCount: group.HealthyThresholdCount ?? 5,
            deregistrationDelaySeconds: delay === undefined ? 300 : Number(delay),
          };
        }),
      ),
    );
    timings.push(...found);
  }
  return timings;
}

async function describe<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof Error && error.name === "TargetGroupNotFoundException") {
      throw new TargetGroupNotFoundError(`Target group ${what} was not found; check group.targetGroupArns.`, { cause: error });
    }
    throw error;
  }
}

/** Targets per RegisterTargets / DeregisterTargets call: ELB publishes no limit; small calls stay well inside any. */
const TARGETS_PER_CALL = 100;

/**
 * Takes the instances out of the target groups: each starts draining for the target group's
 * deregistration delay, then reads `unused`. Only targets registered there are named.
 */
export async function deregisterInstances(registeredIn: ReadonlyMap<string, readonly string[]>): Promise<void> {
  await changeTargets(registeredIn, (TargetGroupArn, Targets) => new DeregisterTargetsCommand({ TargetGroupArn, Targets }));
}

/** Puts the instances back in the target groups: each target is `initial` until its health checks pass. */
export async function registerInstances(missingFrom: ReadonlyMap<string, readonly string[]>): Promise<void> {
  await changeTargets(missingFrom, (TargetGroupArn, Targets) => new RegisterTargetsCommand({ TargetGroupArn, Targets }));
}

async function changeTargets(
  byTargetGroup: ReadonlyMap<string, readonly string[]>,
  command: (arn: string, targets: { Id: string }[]) => RegisterTargetsCommand | DeregisterTargetsCommand,
): Promise<void> {
  const elb = runtime().client(ElasticLoadBalancingV2Client);
  const calls: Promise<unknown>[] = [];
  for (const [arn, ids] of byTargetGroup) {
    for (let start = 0; start < ids.length; start += TARGETS_PER_CALL) {
      const targets = ids.slice(start, start + TARGETS_PER_CALL).map((Id) => ({ Id }));
      // Both commands share one input shape; send's overloads do not take their union.
      calls.push(limit(() => describe(arn, () => elb.send(command(arn, targets) as RegisterTargetsCommand))));
    }
  }
  await Promise.all(calls);
}
