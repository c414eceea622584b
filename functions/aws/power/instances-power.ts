import { DescribeInstanceStatusCommand, EC2Client, paginateDescribeInstances, StartInstancesCommand, StopInstancesCommand } from "@aws-sdk/client-ec2";
import { splitTag } from "../../core/power/power.js";
import type { PoweredInstance } from "../../core/power/power-progress.js";
import { runtime } from "../runtime.js";

/**
 * EC2 documents at most 100 explicit ids per DescribeInstanceStatus; Start/StopInstances take
 * as many, and mutating calls are rate-limited at about 5/s, so chunks of 100 keep a dev fleet
 * of dozens to one call.
 */
const IDS_PER_CALL = 100;

/** An instance carrying a schedule's tag, with what the power steps need to know of it. */
export interface TaggedInstance extends PoweredInstance {
  tags: Record<string, string>;
}

/** Every instance carrying `tag` (`key=value`) that is not terminated, 1,000 a page. */
export async function findTagged(tag: string): Promise<TaggedInstance[]> {
  const { key, value } = splitTag(tag);
  const filters = [
    { Name: `tag:${key}`, Values: [value] },
    { Name: "instance-state-name", Values: ["pending", "running", "stopping", "stopped"] },
  ];
  const found: TaggedInstance[] = [];
  for await (const page of paginateDescribeInstances({ client: runtime().client(EC2Client) }, { Filters: filters, MaxResults: 1000 })) {
    for (const instance of (page.Reservations ?? []).flatMap((reservation) => reservation.Instances ?? [])) {
      if (!instance.InstanceId) continue;
      found.push({
        id: instance.InstanceId,
        state: instance.State?.Name ?? "unknown",
        ...(instance.PublicIpAddress ? { publicIp: instance.PublicIpAddress } : {}),
        ...(instance.StateReason?.Code ? { stateReason: instance.StateReason.Code } : {}),
        tags: Object.fromEntries((instance.Tags ?? []).map((t) => [t.Key ?? "", t.Value ?? ""])),
      });
    }
  }
  return found;
}

export async function startInstances(ids: readonly string[]): Promise<void> {
  for (const chunk of chunks(ids))
    await runtime()
      .client(EC2Client)
      .send(new StartInstancesCommand({ InstanceIds: chunk }));
}

export async function stopInstances(ids: readonly string[]): Promise<void> {
  for (const chunk of chunks(ids))
    await runtime()
      .client(EC2Client)
      .send(new StopInstancesCommand({ InstanceIds: chunk }));
}

/** Ids among `ids` whose instance and system status checks are both ok. */
export async function passingStatusChecks(ids: readonly string[]): Promise<Set<string>> {
  const ok = new Set<string>();
  for (const chunk of chunks(ids)) {
    const answer = await runtime()
      .client(EC2Client)
      .send(new DescribeInstanceStatusCommand({ InstanceIds: chunk }));
    for (const status of answer.InstanceStatuses ?? []) {
      if (status.InstanceId && status.InstanceStatus?.Status === "ok" && status.SystemStatus?.Status === "ok") ok.add(status.InstanceId);
    }
  }
  return ok;
}

function chunks(ids: readonly string[]): string[][] {
  const out: string[][] = [];
  for (let start = 0; start < ids.length; start += IDS_PER_CALL) out.push(ids.slice(start, start + IDS_PER_CALL));
  return out;
}
