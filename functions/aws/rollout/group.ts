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

/** DescribeInstances answers up to 1,000 instances a page; one `instance-id` filter of as many ids fills one. */
const IDS_PER_PAGE = 1000;

/**
 * Reads one Auto Scaling group and the release each of its instances runs. DescribeAutoScalingGroups
 * lists every instance of a group in one answer; DescribeInstances reads the tags, launch times and
 * addresses of the instances that are not parked in Standby, 1,000 a page, by id. Standby
 * instances are not described, so the reads follow the fleet in service, not the fleet plus
 * everything a deploy has parked (up to twice as many during a rollout). They read as having
 * no release and no launch time, which every split counts as old: only a run retires instances
 * into Standby, and only old ones (see ObservedInstance); a new instance someone else parks is
 * brought back by a rollback as if old, then seen on its release and removed. The clean-up after
 * a failure passes `describeParked`: what it lists for a person must be known by release.
 */
export async function readGroup(name: string, options: { describeParked?: boolean } = {}): Promise<ObservedGroup> {
  const answer = await runtime()
    .client(AutoScalingClient)
    .send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [name] }));
  const group = answer.AutoScalingGroups?.find((candidate) => candidate.AutoScalingGroupName === name);
  if (!group) {
    throw new GroupNotFoundError(
      `Auto Scaling group "${name}" was not found in region ${await runtime().client(AutoScalingClient).config.region()}; check group.autoScalingGroupName and the region.`,
    );
  }
  const wanted = (group.Instances ?? []).flatMap((instance) =>
    instance.InstanceId && (options.describeParked || !isParked(instance.LifecycleState)) ? [instance.InstanceId] : [],
  );
  const details = await readInstanceDetails(wanted);
  const unlisted = wanted.filter((id) => !details.has(id));
  if (unlisted.length > 0) await readUnlisted(unlisted, details);
  return toObservedGroup(group, details);
}

function isParked(lifecycleState: string | undefined): boolean {
  return lifecycleState === "Standby" || lifecycleState === "EnteringStandby";
}

/**
 * EC2 can miss an instance a few seconds after its launch; asking for the ids directly usually
 * finds them. Ids EC2 still does not know stay out of `details` and read as release unknown.
 */
async function readUnlisted(ids: readonly string[], details: Map<string, InstanceDetails>): Promise<void> {
  try {
    const answer = await runtime()
      .client(EC2Client)
      .send(new DescribeInstancesCommand({ InstanceIds: [...ids] }));
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

/**
 * The ids as an `instance-id` filter, 1,000 to a request: a filter, unlike InstanceIds, may be
 * paginated (MaxResults) and leaves an id EC2 does not know yet out of the answer instead of
 * failing the whole call.
 */
async function readInstanceDetails(ids: readonly string[]): Promise<Map<string, InstanceDetails>> {
  const details = new Map<string, InstanceDetails>();
  const ec2 = runtime().client(EC2Client);
  const chunks: string[][] = [];
  for (let start = 0; start < ids.length; start += IDS_PER_PAGE) chunks.push(ids.slice(start, start + IDS_PER_PAGE));
  await Promise.all(
    chunks.map(async (chunk) => {
      for await (const page of paginateDescribeInstances({ client: ec2, pageSize: IDS_PER_PAGE }, { Filters: [{ Name: "instance-id", Values: chunk }] })) {
        for (const reservation of page.Reservations ?? []) {
          for (const instance of reservation.Instances ?? []) if (instance.InstanceId) details.set(instance.InstanceId, detailsOf(instance));
        }
      }
    }),
  );
  return details;
}

function toObservedGroup(group: AutoScalingGroup, details: Map<string, InstanceDetails>): ObservedGroup {
  const instances: ObservedInstance[] = (group.Instances ?? []).map((instance) => ({
    id: instance.InstanceId ?? "",
    availabilityZone: instance.AvailabilityZone ?? "",
    lifecycleState: instance.LifecycleState ?? "",
    ...(details.get(instance.InstanceId ?? "") ?? (isParked(instance.LifecycleState) ? {} : { releaseUnknown: true })),
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
