import {
  AutoScalingClient,
  CreateOrUpdateTagsCommand,
  DeleteTagsCommand,
  DetachInstancesCommand,
  EnterStandbyCommand,
  ExitStandbyCommand,
  ResumeProcessesCommand,
  SetDesiredCapacityCommand,
  SuspendProcessesCommand,
  TerminateInstanceInAutoScalingGroupCommand,
  UpdateAutoScalingGroupCommand,
} from "@aws-sdk/client-auto-scaling";
import { CreateTagsCommand, EC2Client, TerminateInstancesCommand } from "@aws-sdk/client-ec2";
import pLimit from "p-limit";
import { DetachedNotTerminatedError } from "../../core/errors.js";
import { RELEASE_TAG } from "../../core/fleet.js";
import { runtime } from "../runtime.js";

/** EnterStandby, ExitStandby and DetachInstances take at most 20 instance ids per call. */
export const STANDBY_IDS_PER_CALL = 20;

/** EC2 TerminateInstances takes up to 1,000 instance ids per call. */
export const TERMINATE_IDS_PER_CALL = 1000;

/** Auto Scaling's mutating rate is unpublished; eight calls in flight stays under ~10/s with SDK backoff. */
const limit = pLimit(8);

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let start = 0; start < items.length; start += size) out.push(items.slice(start, start + size));
  return out;
}

/** Sets the release tag that new instances inherit at launch. */
export async function markRelease(group: string, release: string): Promise<void> {
  await runtime()
    .client(AutoScalingClient)
    .send(
      new CreateOrUpdateTagsCommand({
        Tags: [{ ResourceId: group, ResourceType: "auto-scaling-group", Key: RELEASE_TAG, Value: release, PropagateAtLaunch: true }],
      }),
    );
}

/** EC2 CreateTags takes up to 1,000 resource ids a call and advises smaller batches. */
const TAG_IDS_PER_CALL = 500;

/**
 * Tags instances with the release they now run (an in-place deploy changed it): what every
 * later step reads as the instance's release, as it reads the tag a launch propagated.
 */
export async function tagInstancesRelease(instanceIds: readonly string[], release: string): Promise<void> {
  const ec2 = runtime().client(EC2Client);
  await Promise.all(
    chunks(instanceIds, TAG_IDS_PER_CALL).map((Resources) =>
      limit(() => ec2.send(new CreateTagsCommand({ Resources, Tags: [{ Key: RELEASE_TAG, Value: release }] }))),
    ),
  );
}

/** Puts the release tag back as it was before a deploy: its old value, or no tag at all. */
export async function restoreRelease(group: string, release: string | null): Promise<void> {
  if (release !== null) return markRelease(group, release);
  await runtime()
    .client(AutoScalingClient)
    .send(new DeleteTagsCommand({ Tags: [{ ResourceId: group, ResourceType: "auto-scaling-group", Key: RELEASE_TAG }] }));
}

export async function setDesiredCapacity(group: string, desired: number): Promise<void> {
  await runtime()
    .client(AutoScalingClient)
    .send(new SetDesiredCapacityCommand({ AutoScalingGroupName: group, DesiredCapacity: desired, HonorCooldown: false }));
}

export async function setMaxSize(group: string, maxSize: number): Promise<void> {
  await runtime()
    .client(AutoScalingClient)
    .send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: group, MaxSize: maxSize }));
}

export async function useLaunchTemplateVersion(group: string, templateId: string, version: string): Promise<void> {
  await runtime()
    .client(AutoScalingClient)
    .send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: group, LaunchTemplate: { LaunchTemplateId: templateId, Version: version } }));
}

export async function suspendProcesses(group: string, processes: readonly string[]): Promise<void> {
  if (processes.length === 0) return;
  await runtime()
    .client(AutoScalingClient)
    .send(new SuspendProcessesCommand({ AutoScalingGroupName: group, ScalingProcesses: [...processes] }));
}

export async function resumeProcesses(group: string, processes: readonly string[]): Promise<void> {
  if (processes.length === 0) return;
  await runtime()
    .client(AutoScalingClient)
    .send(new ResumeProcessesCommand({ AutoScalingGroupName: group, ScalingProcesses: [...processes] }));
}

/** Moves instances to Standby, decrementing desired capacity: the load balancers drain them. */
export async function enterStandby(group: string, instanceIds: readonly string[]): Promise<void> {
  await Promise.all(
    chunks(instanceIds, STANDBY_IDS_PER_CALL).map((ids) =>
      limit(() =>
        runtime()
          .client(AutoScalingClient)
          .send(new EnterStandbyCommand({ AutoScalingGroupName: group, InstanceIds: ids, ShouldDecrementDesiredCapacity: true })),
      ),
    ),
  );
}

/** Returns Standby instances to service; desired capacity grows by as many. */
export async function exitStandby(group: string, instanceIds: readonly string[]): Promise<void> {
  await Promise.all(
    chunks(instanceIds, STANDBY_IDS_PER_CALL).map((ids) =>
      limit(() =>
        runtime()
          .client(AutoScalingClient)
          .send(new ExitStandbyCommand({ AutoScalingGroupName: group, InstanceIds: ids })),
      ),
    ),
  );
}

/**
 * Terminates instances through the group, which deregisters (drains) them first.
 * `decrement` for instances that count toward desired capacity, so the group does not replace
 * them; Standby instances do not count, and for them the flag is false so that nothing
 * else in the group is ever scaled in by mistake.
 */
export async function terminateInstances(instanceIds: readonly string[], decrement: boolean): Promise<void> {
  await Promise.all(
    instanceIds.map((id) =>
      limit(() =>
        runtime()
          .client(AutoScalingClient)
          .send(new TerminateInstanceInAutoScalingGroupCommand({ InstanceId: id, ShouldDecrementDesiredCapacity: decrement })),
      ),
    ),
  );
}

/**
 * Takes old instances out of service the way the strategy says: into Standby (still running, for
 * a fast rollback) or drained and terminated. Either way desired capacity drops by as many.
 */
export async function retireInstances(group: string, instanceIds: readonly string[], how: "standby" | "terminate"): Promise<void> {
  if (how === "terminate") await terminateInstances(instanceIds, true);
  else await enterStandby(group, instanceIds);
}

/**
 * Removes Standby instances from the group for good, in bulk: DetachInstances 20 at a time, then
 * EC2 TerminateInstances up to 1,000 at a time. Standby instances are not counted, so desired
 * capacity stays as it is; `ShouldDecrementDesiredCapacity` is false so that it stays so even
 * where the service would count the flag against Standby instances (moto does), and nothing is
 * replaced because nothing counted left. The terminations run one after another: EC2's mutating
 * rate is about 5 calls a second.
 */
export async function detachAndTerminate(group: string, instanceIds: readonly string[]): Promise<void> {
  const autoScaling = runtime().client(AutoScalingClient);
  const outcomes = await Promise.allSettled(
    chunks(instanceIds, STANDBY_IDS_PER_CALL).map((ids) =>
      limit(async () => {
        await autoScaling.send(new DetachInstancesCommand({ AutoScalingGroupName: group, InstanceIds: ids, ShouldDecrementDesiredCapacity: false }));
        return ids;
      }),
    ),
  );
  // What was detached is no longer the group's: a later pass would not see it, so it is
  // terminated now even when other detaches failed; those stay parked for the retry.
  const detached = outcomes.flatMap((outcome) => (outcome.status === "fulfilled" ? outcome.value : []));
  const ec2 = runtime().client(EC2Client);
  const batches = chunks(detached, TERMINATE_IDS_PER_CALL);
  for (const [index, ids] of batches.entries()) {
    try {
      await ec2.send(new TerminateInstancesCommand({ InstanceIds: ids }));
    } catch (error) {
      // Not retryable as it is: a retry of the step reads the group, which no longer holds them.
      const left = batches.slice(index).flat();
      const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      throw new DetachedNotTerminatedError(
        `Detached ${left.length} retired instance(s) from group "${group}" but EC2 did not terminate them (${reason}); they run outside the group: ` +
          `aws ec2 terminate-instances --instance-ids ${left.join(" ")}`,
        { cause: error },
      );
    }
  }
  const failed = outcomes.find((outcome): outcome is PromiseRejectedResult => outcome.status === "rejected");
  if (failed) throw failed.reason;
}
