import { AutoScalingClient, CreateOrUpdateTagsCommand, DeleteTagsCommand, UpdateAutoScalingGroupCommand } from "@aws-sdk/client-auto-scaling";
import { SAVED_SIZE_TAG, formatSavedSize, type GroupSize } from "../../core/power/power.js";
import { runtime } from "../runtime.js";

/**
 * Saves the group's size in its SAVED_SIZE_TAG, then sets it to 0/0/0. Tag first: if the
 * resize fails, the tag holds the size the group still has, and a start restores the same.
 */
export async function saveSizeAndStop(group: string, size: GroupSize): Promise<void> {
  await runtime()
    .client(AutoScalingClient)
    .send(
      new CreateOrUpdateTagsCommand({
        Tags: [{ ResourceId: group, ResourceType: "auto-scaling-group", Key: SAVED_SIZE_TAG, Value: formatSavedSize(size), PropagateAtLaunch: false }],
      }),
    );
  await runtime()
    .client(AutoScalingClient)
    .send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: group, MinSize: 0, DesiredCapacity: 0, MaxSize: 0 }));
}

/**
 * Restores the saved size, then removes the tag. Resize first: a retry after the resize finds
 * the tag still there and sets the same size again; once the tag is gone the start is done.
 */
export async function restoreSize(group: string, size: GroupSize): Promise<void> {
  await runtime()
    .client(AutoScalingClient)
    .send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: group, MinSize: size.min, DesiredCapacity: size.desired, MaxSize: size.max }));
  await runtime()
    .client(AutoScalingClient)
    .send(new DeleteTagsCommand({ Tags: [{ ResourceId: group, ResourceType: "auto-scaling-group", Key: SAVED_SIZE_TAG }] }));
}
