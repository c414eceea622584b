import { AutoScalingClient, DescribeAutoScalingGroupsCommand } from "@aws-sdk/client-auto-scaling";
import { DescribeInstancesCommand, DescribeLaunchTemplateVersionsCommand, EC2Client } from "@aws-sdk/client-ec2";
import { DescribeTargetHealthCommand, ElasticLoadBalancingV2Client } from "@aws-sdk/client-elastic-load-balancing-v2";
import { ListCommandsCommand, SSMClient } from "@aws-sdk/client-ssm";
import { readLock } from "../../functions/aws/lock/deploy-lock.js";
import { listReleases } from "../../functions/aws/releases/release-history.js";
import type { Fleet, FinalState, SentCommand } from "./backend.js";

/** The test's own clients, apart from gantry's: what they read back is the cloud's word, not gantry's. */
export interface ReadClients {
  autoScaling: AutoScalingClient;
  ec2: EC2Client;
  elb: ElasticLoadBalancingV2Client;
  ssm: SSMClient;
}

export function readClients(): ReadClients {
  const region = process.env.AWS_REGION ?? "eu-west-1";
  return {
    autoScaling: new AutoScalingClient({ region }),
    ec2: new EC2Client({ region }),
    elb: new ElasticLoadBalancingV2Client({ region }),
    ssm: new SSMClient({ region }),
  };
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
  const targets: string[] = [];
  for (const arn of fleet.targetGroupArns) {
    const health = await clients.elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: arn }));
    for (const row of health.TargetHealthDescriptions ?? []) targets.push(`${row.Target?.Id ?? "?"}:${row.TargetHealth?.State ?? "?"}`);
  }
  const lock = await readLock(fleet.app, fleet.env, fleet.clock.now());
  const [last] = (await listReleases(fleet.app, fleet.env, { limit: 1 })).releases;
  return {
    desired: group.DesiredCapacity ?? -1,
    minSize: group.MinSize ?? -1,
    maxSize: group.MaxSize ?? -1,
    instances: members.map((instance) => `${tags.get(instance.InstanceId ?? "") ?? "untagged"}:${instance.LifecycleState}`).sort(),
    instanceIds: members.map((instance) => instance.InstanceId ?? "").sort(),
    targets: targets.sort(),
    suspended: (group.SuspendedProcesses ?? []).map((process) => process.ProcessName ?? "").sort(),
    groupRelease: group.Tags?.find((tag) => tag.Key === "gantry:release")?.Value,
    launchTemplateVersion: version,
    imageId: versions.LaunchTemplateVersions?.[0]?.LaunchTemplateData?.ImageId,
    lockHolder: lock?.holder?.holder,
    lastRelease: last ? { releaseId: last.releaseId, status: last.status } : undefined,
  };
}

/**
 * The Run Command commands gantry sent for the fleet's app and env, oldest first, as ListCommands
 * reports them. A command is told apart by the Comment gantry gives it ("gantry: <app>/<env> to
 * <release>"): the app is unique per scenario, and moto's InstanceIds cannot tell (see the moto backend).
 */
export async function readSentCommands(clients: ReadClients, fleet: Fleet): Promise<SentCommand[]> {
  const prefix = `gantry: ${fleet.app}/${fleet.env} to `;
  const sent: { at: number; command: SentCommand }[] = [];
  let nextToken: string | undefined;
  do {
    const page = await clients.ssm.send(new ListCommandsCommand(nextToken ? { NextToken: nextToken } : {}));
    for (const command of page.Commands ?? []) {
      if (!command.Comment?.startsWith(prefix)) continue;
      sent.push({
        at: command.RequestedDateTime?.getTime() ?? 0,
        command: {
          documentName: command.DocumentName,
          commands: command.Parameters?.commands ?? [],
          instanceIds: [...(command.InstanceIds ?? [])].sort(),
          comment: command.Comment,
        },
      });
    }
    nextToken = page.NextToken;
  } while (nextToken);
  // Stable: commands requested in the same instant keep the order the cloud listed them in.
  return sent.sort((a, b) => a.at - b.at).map((entry) => entry.command);
}
