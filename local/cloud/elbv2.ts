import type {
  DescribeTargetGroupAttributesCommandInput,
  DescribeTargetGroupAttributesCommandOutput,
  DescribeTargetGroupsCommandInput,
  DescribeTargetGroupsCommandOutput,
  DescribeTargetHealthCommandInput,
  DescribeTargetHealthCommandOutput,
  TargetDescription,
  TargetGroup,
  TargetHealthDescription,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import { CloudFault } from "./errors.js";
import type { Fleet } from "./fleet.js";
import type { TargetGroupRecord } from "./model.js";
import { onlyParameters, type Operations, type Result } from "./operations.js";
import { describeTargetHealth } from "./targets.js";

/** The ELBv2 operations gantry calls. */
export function elbv2Operations(fleet: Fleet): Operations {
  const find = (arn: string | undefined): TargetGroupRecord => {
    const tg = fleet.targetGroups.get(arn ?? "");
    if (tg) return tg;
    throw new CloudFault("TargetGroupNotFoundException", `One or more target groups not found: ${arn ?? "(none)"}`);
  };

  return {
    DescribeTargetGroups(input: DescribeTargetGroupsCommandInput): Result<DescribeTargetGroupsCommandOutput> {
      onlyParameters("elbv2", "DescribeTargetGroups", input, ["TargetGroupArns"]);
      const arns = input.TargetGroupArns ?? [];
      const groups = arns.length > 0 ? arns.map(find) : [...fleet.targetGroups.values()];
      return { TargetGroups: groups.map(describeGroup) };
    },

    DescribeTargetGroupAttributes(input: DescribeTargetGroupAttributesCommandInput): Result<DescribeTargetGroupAttributesCommandOutput> {
      onlyParameters("elbv2", "DescribeTargetGroupAttributes", input, ["TargetGroupArn"]);
      const tg = find(input.TargetGroupArn);
      return {
        Attributes: [
          { Key: "deregistration_delay.timeout_seconds", Value: String(tg.deregistrationDelaySeconds) },
          { Key: "stickiness.enabled", Value: "false" },
          { Key: "load_balancing.algorithm.type", Value: "round_robin" },
          { Key: "slow_start.duration_seconds", Value: "0" },
        ],
      };
    },

    /** Not paginated, as in AWS: one call returns every target (at most 1,000 per group). */
    DescribeTargetHealth(input: DescribeTargetHealthCommandInput): Result<DescribeTargetHealthCommandOutput> {
      onlyParameters("elbv2", "DescribeTargetHealth", input, ["TargetGroupArn", "Targets"]);
      const tg = find(input.TargetGroupArn);
      const now = fleet.clock.now();
      const targets = input.Targets ?? [...tg.targets.values()].map((t) => ({ Id: t.instanceId, Port: t.port }));
      return { TargetHealthDescriptions: targets.map((target) => describeTarget(fleet, tg, target, now)) };
    },
  };
}

function describeTarget(fleet: Fleet, tg: TargetGroupRecord, requested: TargetDescription, now: number): TargetHealthDescription {
  const id = requested.Id ?? "";
  const port = requested.Port ?? tg.port;
  const base = { Target: { Id: id, Port: port }, HealthCheckPort: String(port) };
  fleet.evaluate(tg, id, now);
  const target = tg.targets.get(id);
  if (target) return { ...base, TargetHealth: describeTargetHealth(target) };
  const instance = fleet.instances.get(id);
  if (!instance) {
    throw new CloudFault("InvalidTargetException", `The following targets are not valid instances: '${id}'`);
  }
  if (instance.lifecycle === undefined) {
    return {
      ...base,
      TargetHealth: {
        State: "unused",
        Reason: "Target.InvalidState",
        Description: "Target is in the stopped or terminated state",
      },
    };
  }
  return {
    ...base,
    TargetHealth: {
      State: "unused",
      Reason: "Target.NotRegistered",
      Description: "Target is not registered to the target group",
    },
  };
}

function describeGroup(tg: TargetGroupRecord): TargetGroup {
  return {
    TargetGroupArn: tg.arn,
    TargetGroupName: tg.name,
    Protocol: "HTTP",
    Port: tg.port,
    VpcId: "vpc-0000000000000000a",
    HealthCheckProtocol: "HTTP",
    HealthCheckPort: "traffic-port",
    HealthCheckEnabled: true,
    HealthCheckPath: tg.healthCheckPath,
    HealthCheckIntervalSeconds: tg.intervalSeconds,
    HealthCheckTimeoutSeconds: 5,
    HealthyThresholdCount: tg.healthyThreshold,
    UnhealthyThresholdCount: tg.unhealthyThreshold,
    Matcher: { HttpCode: "200" },
    LoadBalancerArns: [...tg.loadBalancerArns],
    TargetType: "instance",
    IpAddressType: "ipv4",
  };
}
