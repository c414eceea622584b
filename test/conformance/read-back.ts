import { AutoScalingClient, DescribeAutoScalingGroupsCommand } from "@aws-sdk/client-auto-scaling";
import { DescribeInstancesCommand, DescribeLaunchTemplateVersionsCommand, EC2Client } from "@aws-sdk/client-ec2";
import { readLock } from "../../functions/aws/lock/deploy-lock.js";
import { listReleases } from "../../functions/aws/releases/release-history.js";
import type { Fleet, FinalState } from "./backend.js";

/** The test's own clients, apart from gantry's: what they read back is the cloud's word, not gantry's. */
export interface ReadClients {
  autoScaling: AutoScalingClient;
  ec2: EC2Client;
}

export function readClients(): ReadClients {
  const region = process.env.AWS_REGION ?? "eu-west-1";
  return { autoScaling: new AutoScalingClient({ region }), ec2: new EC2Client({ region }) };
}

/**
 * The group, its instances' release tags, its launch template version and that version's
 * image, read with plain SDK calls; the lock and the newest release row through gantry's table
 * adapters (their reads are what the CLI shows).
 */
export async function readFinalState(clients: ReadClients, fleet: Fleet): Promise<FinalState> {
  const answer = await clients.autoScaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [fleet.groupName] }));
  const group = answer.AutoScalingGroups?.[0];
  if (!group) throw new Error(`group ${fleet.groupName} is gone`);
  const members = group.Instances ?? [];
  const tags = new Map<string, string | undefined>();
  if (members.length > 0) {
    const described = await clients.ec2.send(new DescribeInstancesCommand({ InstanceIds: members.map((instance) => instance.InstanceId ?? "") }));
    for (const instance of described.Reservations?.flatMap((reservation) => reservation.Instances ?? []) ?? []) {
      tags.set(instance.InstanceId ?? "", instance.Tags?.find((tag) => tag.Key === "gantry:release")?.Value);
    }
  }
  const version = group.LaunchTemplate?.Version;
  const versions = await clients.ec2.send(
    new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: fleet.launchTemplateId, ...(version ? { Versions: [version] } : {}) }),
  );
  const lock = await readLock(fleet.app, fleet.env, fleet.clock.now());
  const [last] = (await listReleases(fleet.app, fleet.env, { limit: 1 })).releases;
  return {
    desired: group.DesiredCapacity ?? -1,
    minSize: group.MinSize ?? -1,
    maxSize: group.MaxSize ?? -1,
    instances: members.map((instance) => `${tags.get(instance.InstanceId ?? "") ?? "untagged"}:${instance.LifecycleState}`).sort(),
    instanceIds: members.map((instance) => instance.InstanceId ?? "").sort(),
    suspended: (group.SuspendedProcesses ?? []).map((process) => process.ProcessName ?? "").sort(),
    groupRelease: group.Tags?.find((tag) => tag.Key === "gantry:release")?.Value,
    launchTemplateVersion: version,
    imageId: versions.LaunchTemplateVersions?.[0]?.LaunchTemplateData?.ImageId,
    lockHolder: lock?.holder?.holder,
    lastRelease: last ? { releaseId: last.releaseId, status: last.status } : undefined,
  };
}
