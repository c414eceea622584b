import { DescribeAutoScalingGroupsCommand, type AutoScalingGroup } from "@aws-sdk/client-auto-scaling";
import { paginateDescribeInstances } from "@aws-sdk/client-ec2";
import { GroupNotFoundError } from "../core/errors.js";
import { RELEASE_TAG, type ObservedGroup, type ObservedInstance } from "../core/fleet.js";
import { autoScaling, ec2 } from "./clients.js";

/** Instance details the group listing lacks: release tag, launch time, address. */
interface InstanceDetails {
  release?: string;
  launchedAt?: number;
  privateIp?: string;
}

/**
 * Reads one Auto Scaling group and the release each of its instances runs. Two calls whatever
 * the group's size: DescribeAutoScalingGroups lists every instance of a group in one answer,
 * and DescribeInstances (1,000 a page) reads their tags.
 */
export async function readGroup(name: string): Promise<ObservedGroup> {
  const answer = await autoScaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [name] }));
  const group = answer.AutoScalingGroups?.find((candidate) => candidate.AutoScalingGroupName === name);
  if (!group) {
    throw new GroupNotFoundError(
      `Auto Scaling group "${name}" was not found in region ${await autoScaling.config.region()}; check group.autoScalingGroupName and the region.`,
    );
  }
  const details = await readInstanceDetails(name);
  return toObservedGroup(group, details);
}

async function readInstanceDetails(groupName: string): Promise<Map<string, InstanceDetails>> {
  const details = new Map<string, InstanceDetails>();
  const pages = paginateDescribeInstances(
    { client: ec2, pageSize: 1000 },
    {
      Filters: [
        { Name: "tag:aws:autoscaling:groupName", Values: [groupName] },
        { Name: "instance-state-name", Values: ["pending", "running", "stopping", "stopped", "shutting-down"] },
      ],
    },
  );
  for await (const page of pages) {
    for (const reservation of page.Reservations ?? []) {
      for (const instance of reservation.Instances ?? []) {
        if (!instance.InstanceId) continue;
        const release = instance.Tags?.find((tag) => tag.Key === RELEASE_TAG)?.Value;
        details.set(instance.InstanceId, {
          ...(release !== undefined ? { release } : {}),
          ...(instance.LaunchTime ? { launchedAt: instance.LaunchTime.getTime() } : {}),
          ...(instance.PrivateIpAddress ? { privateIp: instance.PrivateIpAddress } : {}),
        });
      }
    }
  }
  return details;
}

function toObservedGroup(group: AutoScalingGroup, details: Map<string, InstanceDetails>): ObservedGroup {
  const instances: ObservedInstance[] = (group.Instances ?? []).map((instance) => ({
    id: instance.InstanceId ?? "",
    availabilityZone: instance.AvailabilityZone ?? "",
    lifecycleState: instance.LifecycleState ?? "",
    ...details.get(instance.InstanceId ?? ""),
  }));
  const tags: Record<string, string> = {};
  for (const tag of group.Tags ?? []) if (tag.Key) tags[tag.Key] = tag.Value ?? "";
  const template = group.LaunchTemplate;
  return {
    name: group.AutoScalingGroupName ?? "",
    minSize: group.MinSize ?? 0,
    maxSize: group.MaxSize ?? 0,
    desiredCapacity: group.DesiredCapacity ?? 0,
    availabilityZones: group.AvailabilityZones ?? [],
    targetGroupArns: group.TargetGroupARNs ?? [],
    suspendedProcesses: (group.SuspendedProcesses ?? []).flatMap((process) => (process.ProcessName ? [process.ProcessName] : [])),
    tags,
    ...(template?.LaunchTemplateId
      ? {
          launchTemplate: {
            id: template.LaunchTemplateId,
            version: template.Version ?? "$Default",
            ...(template.LaunchTemplateName ? { name: template.LaunchTemplateName } : {}),
          },
        }
      : {}),
    instances,
  };
}
