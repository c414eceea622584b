import type {
  DeregisterTargetsCommandInput,
  DeregisterTargetsCommandOutput,
  RegisterTargetsCommandInput,
  RegisterTargetsCommandOutput,
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
import { ec2State } from "./ec2.js";
import { CloudFault, LocalCloudUnsupportedError } from "./errors.js";
import type { Fleet } from "./fleet.js";
import type { TargetGroupRecord, VirtualInstance } from "./model.js";
import { onlyParameters, type Operations, type Result } from "./operations.js";
import { describeTargetHealth, registerTarget, tooManyTargets } from "./targets.js";

/** The ELBv2 operations gantry calls. */
export function elbv2Operations(fleet: Fleet): Operations {
  const find = (arn: string | undefined): TargetGroupRecord => {
    const tg = fleet.targetGroups.get(arn ?? "");
    if (tg) return tg;
    throw new CloudFault("TargetGroupNotFoundException", `One or more target groups not found: ${arn ?? "(none)"}`);
  };

  /** The instances `Targets` names, each checked before anything changes: ELB acts on all of them or none. */
  const instancesOf = (command: string, tg: TargetGroupRecord, targets: TargetDescription[] | undefined): VirtualInstance[] => {
    if (!targets || targets.length === 0) throw new CloudFault("ValidationError", "A target must be specified");
    return targets.map((target, i) => {
      onlyParameters("elbv2", command, target, ["Id", "Port"]);
      // The model keys a target by instance: the same instance on another port is a second target it does not hold.
      if (target.Port !== undefined && target.Port !== tg.port)
        throw new LocalCloudUnsupportedError("elbv2", command, `Targets[${i}].Port other than the target group's`);
      const instance = fleet.instances.get(target.Id ?? "");
      if (!instance) throw new CloudFault("InvalidTargetException", `The following targets are not valid instances: '${target.Id ?? ""}'`);
      return instance;
    });
  };

  return {
    /**
     * Registers instances fresh (`initial`, checked from now on); one already registered and not
     * draining is left as it is, as ELB does. A draining one is registered again.
     */
    RegisterTargets(input: RegisterTargetsCommandInput): Result<RegisterTargetsCommandOutput> {
      onlyParameters("elbv2", "RegisterTargets", input, ["TargetGroupArn", "Targets"]);
      const tg = find(input.TargetGroupArn);
      const now = fleet.clock.now();
      const instances = [...new Set(instancesOf("RegisterTargets", tg, input.Targets))];
      const notRunning = instances.filter((instance) => ec2State(instance, now) !== "running");
      if (notRunning.length > 0) {
        const ids = notRunning.map((instance) => `'${instance.instanceId}'`).join(", ");
        throw new CloudFault("InvalidTargetException", `The following targets are not in a running state and cannot be registered: ${ids}`);
      }
      const fresh = instances.filter((instance) => {
        const target = tg.targets.get(instance.instanceId);
        return !target || target.drainingUntil !== undefined;
      });
      const added = fresh.filter((instance) => !tg.targets.has(instance.instanceId)).length;
      if (tg.targets.size + added > tg.maxTargets) throw new CloudFault("TooManyTargetsException", tooManyTargets(tg));
      for (const instance of fresh) {
        tg.targets.delete(instance.instanceId);
        registerTarget(tg, instance, now);
      }
      return {};
    },

    /**
     * Starts draining each registered target for the deregistration delay, as Auto Scaling's own
     * deregistration does; a target not registered (or already draining) is left alone and the
     * call succeeds. The instance stays InService in its group, which does not register it again.
     */
    DeregisterTargets(input: DeregisterTargetsCommandInput): Result<DeregisterTargetsCommandOutput> {
      onlyParameters("elbv2", "DeregisterTargets", input, ["TargetGroupArn", "Targets"]);
      const tg = find(input.TargetGroupArn);
      const now = fleet.clock.now();
      for (const instance of instancesOf("DeregisterTargets", tg, input.Targets)) fleet.drainTarget(instance, tg, now);
      return {};
    },

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
