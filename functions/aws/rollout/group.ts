import { AutoScalingClient, type AutoScalingGroup, DescribeAutoScalingGroupsCommand } from "@aws-sdk/client-auto-scaling";
import { DescribeInstancesCommand, EC2Client, type Instance, paginateDescribeInstances } from "@aws-sdk/client-ec2";
import { GroupNotFoundError } from "../../core/errors.js";
import { RELEASE_TAG, type ObservedGroup, type ObservedInstance } from "../../core/fleet.js";
import { runtime } from "../runtime.js";

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
  const answer = await runtime().client(AutoScalingClient).send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [name] }));
  const group = answer.AutoScalingGroups?.find((candidate) => candidate.AutoScalingGroupName === name);
  if (!group) {
    throw new GroupNotFoundError(
      `Auto Scaling group "${name}" was not found in region ${await runtime().client(AutoScalingClient).config.region()}; check group.autoScalingGroupName and the region.`,
    );
  }
  const details = await readInstanceDetails(name);
  const unlisted = (group.Instances ?? []).flatMap((instance) => (instance.InstanceId && !details.has(instance.InstanceId) ? [instance.InstanceId] : []));
  if (unlisted.length > 0) await readUnlisted(unlisted, details);
  return toObservedGroup(group, details);
}

/**
 * A tag filter can lag a launch by a few seconds; asking for the ids directly usually finds
 * them. Ids EC2 still does not know stay out of `details` and read as release unknown.
 */
async function readUnlisted(ids: readonly string[], details: Map<string, InstanceDetails>): Promise<void> {
  try {
    const answer = await runtime().client(EC2Client).send(new DescribeInstancesCommand({ InstanceIds: [...ids] }));
    for (const reservation of answer.Reservations ?? []) {
      for (const instance of reservation.Instances ?? []) if (instance.InstanceId) details.set(instance.InstanceId, detailsOf(instance));
    }
  } catch (error) {
    if (!(error instanceof Error && error.name === "InvalidInstanceID.NotFound")) throw error;
  }
}

function detailsOf(instance: Instance): InstanceDetails {
  const release = instance.Tags?.find((tag) => tag.Key === RELEASE_TAG)?.Value;
  return {
    ...(release !== undefined ? { release } : {}),
    ...(instance.LaunchTime ? { launchedAt: instance.LaunchTime.getTime() } : {}),
    ...(instance.PrivateIpAddress ? { privateIp: instance.PrivateIpAddress } : {}),
  };
}

async function readInstanceDetails(groupName: string): Promise<Map<string, InstanceDetails>> {
  const details = new Map<string, InstanceDetails>();
  const pages = paginateDescribeInstances(
    { client: runtime().client(EC2Client), pageSize: 1000 },
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
        if (instance.InstanceId) details.set(instance.InstanceId, detailsOf(instance));
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
    ...(details.get(instance.InstanceId ?? "") ?? { releaseUnknown: true }),
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
