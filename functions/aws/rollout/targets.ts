import {
  DescribeTargetGroupAttributesCommand,
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
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
