import type {
  AutoScalingGroup,
  CreateOrUpdateTagsCommandInput,
  DeleteTagsCommandInput,
  DescribeAutoScalingGroupsCommandInput,
  DescribeAutoScalingGroupsCommandOutput,
  Instance,
  ResumeProcessesCommandInput,
  SetDesiredCapacityCommandInput,
  SuspendProcessesCommandInput,
  UpdateAutoScalingGroupCommandInput,
} from "@aws-sdk/client-auto-scaling";
import { CloudFault, validationError } from "./errors.js";
import type { Fleet } from "./fleet.js";
import type { GroupRecord, VirtualInstance } from "./model.js";
import { byKey, isoSeconds, onlyParameters, page, type Operations, type Result } from "./operations.js";
import { standbyOperations } from "./standby.js";

/** The scaling processes AWS lets you suspend; an empty or omitted list means all of them. */
export const SCALING_PROCESSES = [
  "Launch",
  "Terminate",
  "AddToLoadBalancer",
  "AlarmNotification",
  "AZRebalance",
  "HealthCheck",
  "InstanceRefresh",
  "ReplaceUnhealthy",
  "ScheduledActions",
];

/** The Auto Scaling operations gantry calls. */
export function autoScalingOperations(fleet: Fleet): Operations {
  const only = (command: string, input: object, allowed: string[]) => onlyParameters("autoscaling", command, input, allowed);
  const describeGroup = (group: GroupRecord): AutoScalingGroup => describe(fleet, group);

  return {
    ...standbyOperations(fleet),

    DescribeAutoScalingGroups(input: DescribeAutoScalingGroupsCommandInput): Result<DescribeAutoScalingGroupsCommandOutput> {
      only("DescribeAutoScalingGroups", input, ["AutoScalingGroupNames", "MaxRecords", "NextToken"]);
      const limit = input.MaxRecords ?? 50;
      if (limit < 1 || limit > 100) {
        throw validationError(
          `1 validation error detected: Value '${limit}' at 'maxRecords' failed to satisfy constraint: Member must have value between 1 and 100`,
        );
      }
      const names = input.AutoScalingGroupNames;
      const groups = [...fleet.groups.values()].filter((g) => names === undefined || names.length === 0 || names.includes(g.name)).sort(byKey((g) => g.name));
      const result = page(groups, (g) => g.name, limit, input.NextToken, "InvalidNextToken");
      return { AutoScalingGroups: result.items.map(describeGroup), NextToken: result.nextToken };
    },

    CreateOrUpdateTags(input: CreateOrUpdateTagsCommandInput): Result<object> {
      only("CreateOrUpdateTags", input, ["Tags"]);
      for (const tag of input.Tags ?? []) {
        if (tag.ResourceType !== "auto-scaling-group") {
          throw validationError(`Invalid resource type ${tag.ResourceType ?? "null"}; only auto-scaling-group is supported.`);
        }
        if (tag.Key === undefined) throw validationError("Tag key must be specified.");
        fleet.group(tag.ResourceId).tags.set(tag.Key, {
          value: tag.Value ?? "",
          propagateAtLaunch: tag.PropagateAtLaunch ?? false,
        });
      }
      return {};
    },

    /** Deletes by key; a Value in the request does not have to match, as in AWS. */
    DeleteTags(input: DeleteTagsCommandInput): Result<object> {
      only("DeleteTags", input, ["Tags"]);
      for (const tag of input.Tags ?? []) {
        if (tag.ResourceType !== "auto-scaling-group") {
          throw validationError(`Invalid resource type ${tag.ResourceType ?? "null"}; only auto-scaling-group is supported.`);
        }
        fleet.group(tag.ResourceId).tags.delete(tag.Key ?? "");
      }
      return {};
    },

    SetDesiredCapacity(input: SetDesiredCapacityCommandInput): Result<object> {
      only("SetDesiredCapacity", input, ["AutoScalingGroupName", "DesiredCapacity", "HonorCooldown"]);
      const group = fleet.group(input.AutoScalingGroupName);
      const desired = input.DesiredCapacity ?? group.desiredCapacity;
      if (desired > group.maxSize) {
        throw validationError(`New SetDesiredCapacity value ${desired} is above max value ${group.maxSize} for the AutoScalingGroup.`);
      }
      if (desired < group.minSize) {
        throw validationError(`New SetDesiredCapacity value ${desired} is below min value ${group.minSize} for the AutoScalingGroup.`);
      }
      group.desiredCapacity = desired;
      return {};
    },

    UpdateAutoScalingGroup(input: UpdateAutoScalingGroupCommandInput): Result<object> {
      only("UpdateAutoScalingGroup", input, ["AutoScalingGroupName", "MinSize", "MaxSize", "DesiredCapacity", "LaunchTemplate"]);
      const group = fleet.group(input.AutoScalingGroupName);
      const min = input.MinSize ?? group.minSize;
      const max = input.MaxSize ?? group.maxSize;
      if (min > max) throw validationError(`Max bound, ${max}, must be greater than or equal to min bound, ${min}`);
      // AWS moves desired capacity into a new [min, max] range itself when it is not given.
      const desired = input.DesiredCapacity ?? Math.min(max, Math.max(min, group.desiredCapacity));
      if (desired < min || desired > max) {
        throw validationError(`Desired capacity:${desired} must be between the specified min size:${min} and max size:${max}`);
      }
      if (input.LaunchTemplate) {
        try {
          const template = fleet.launchTemplates.find(input.LaunchTemplate);
          const version = input.LaunchTemplate.Version ?? "$Default";
          fleet.launchTemplates.version(template, version);
          group.launchTemplate = { id: template.id, version };
        } catch (error) {
          // Auto Scaling reports a bad template reference as its own ValidationError.
          if (error instanceof CloudFault) throw validationError(error.message);
          throw error;
        }
      }
      Object.assign(group, { minSize: min, maxSize: max, desiredCapacity: desired });
      return {};
    },

    SuspendProcesses(input: SuspendProcessesCommandInput): Result<object> {
      only("SuspendProcesses", input, ["AutoScalingGroupName", "ScalingProcesses"]);
      const group = fleet.group(input.AutoScalingGroupName);
      const reason = `User suspended at ${isoSeconds(fleet.clock.now())}`;
      for (const process of processes(input.ScalingProcesses)) {
        if (!group.suspended.has(process)) group.suspended.set(process, reason);
      }
      return {};
    },

    ResumeProcesses(input: ResumeProcessesCommandInput): Result<object> {
      only("ResumeProcesses", input, ["AutoScalingGroupName", "ScalingProcesses"]);
      const group = fleet.group(input.AutoScalingGroupName);
      for (const process of processes(input.ScalingProcesses)) group.suspended.delete(process);
      return {};
    },
  };
}

function processes(requested: string[] | undefined): string[] {
  if (requested === undefined || requested.length === 0) return SCALING_PROCESSES;
  for (const name of requested) {
    if (!SCALING_PROCESSES.includes(name)) throw validationError(`Invalid scaling process name: ${name}`);
  }
  return requested;
}

function describe(fleet: Fleet, group: GroupRecord): AutoScalingGroup {
  const template = fleet.launchTemplates.find({ LaunchTemplateId: group.launchTemplate.id });
  const now = fleet.clock.now();
  return {
    AutoScalingGroupName: group.name,
    AutoScalingGroupARN: group.arn,
    MinSize: group.minSize,
    MaxSize: group.maxSize,
    DesiredCapacity: group.desiredCapacity,
    DefaultCooldown: 300,
    AvailabilityZones: [...group.availabilityZones],
    LoadBalancerNames: [],
    TargetGroupARNs: [...group.targetGroupArns],
    HealthCheckType: group.healthCheckType,
    HealthCheckGracePeriod: 300,
    CreatedTime: new Date(group.createdAt),
    SuspendedProcesses: [...group.suspended].map(([ProcessName, SuspensionReason]) => ({
      ProcessName,
      SuspensionReason,
    })),
    Tags: [...group.tags].map(([Key, tag]) => ({
      ResourceId: group.name,
      ResourceType: "auto-scaling-group",
      Key,
      Value: tag.value,
      PropagateAtLaunch: tag.propagateAtLaunch,
    })),
    LaunchTemplate: {
      LaunchTemplateId: template.id,
      LaunchTemplateName: template.name,
      Version: group.launchTemplate.version,
    },
    Instances: [...group.instanceIds].map((id) => describeInstance(fleet, group, fleet.instances.get(id)!, now)),
    TerminationPolicies: ["Default"],
    NewInstancesProtectedFromScaleIn: false,
  };
}

function describeInstance(fleet: Fleet, group: GroupRecord, instance: VirtualInstance, now: number): Instance {
  // With ELB health checks the group adopts the load balancer's verdict; replacing such an
  // instance is not modelled, so it stays Unhealthy until its targets recover.
  const unhealthy =
    group.healthCheckType === "ELB" &&
    instance.lifecycle === "InService" &&
    [...instance.registeredIn].some((arn) => fleet.evaluate(fleet.targetGroups.get(arn)!, instance.instanceId, now)?.state === "unhealthy");
  return {
    InstanceId: instance.instanceId,
    InstanceType: "t3.micro",
    AvailabilityZone: instance.availabilityZone,
    LifecycleState: instance.lifecycle,
    HealthStatus: unhealthy ? "Unhealthy" : "Healthy",
    LaunchTemplate: {
      LaunchTemplateId: instance.launchTemplate.id,
      LaunchTemplateName: instance.launchTemplate.name,
      Version: String(instance.launchTemplate.version),
    },
    ProtectedFromScaleIn: false,
  };
}
