import { ChangeResourceRecordSetsCommand, GetChangeCommand, ListResourceRecordSetsCommand, Route53Client } from "@aws-sdk/client-route-53";
import { GLOBAL_SERVICE } from "../clients.js";
import { runtime } from "../runtime.js";

/** An A record as Route 53 holds it. */
export interface ARecord {
  ttl: number;
  values: string[];
}

const fqdn = (name: string) => (name.endsWith(".") ? name.toLowerCase() : `${name.toLowerCase()}.`);

/**
 * The A record `name` holds now, if any. A DELETE must repeat the record exactly (TTL and
 * every value), so the stop reads it first rather than guessing what the last start wrote.
 */
export async function readARecord(hostedZoneId: string, name: string): Promise<ARecord | undefined> {
  const answer = await runtime()
    .client(Route53Client, GLOBAL_SERVICE)
    .send(new ListResourceRecordSetsCommand({ HostedZoneId: hostedZoneId, StartRecordName: name, StartRecordType: "A", MaxItems: 1 }));
  const set = answer.ResourceRecordSets?.[0];
  if (!set || set.Type !== "A" || fqdn(set.Name ?? "") !== fqdn(name) || set.TTL === undefined) return undefined;
  return { ttl: set.TTL, values: (set.ResourceRecords ?? []).map((record) => record.Value ?? "") };
}

/** Points `name` at `addresses`; returns the change id to wait on. */
export async function upsertARecord(hostedZoneId: string, name: string, addresses: readonly string[], ttl: number, comment: string): Promise<string> {
  return change(hostedZoneId, "UPSERT", name, { ttl, values: [...addresses] }, comment);
}

/** Deletes the record exactly as read; returns the change id to wait on. */
export async function deleteARecord(hostedZoneId: string, name: string, current: ARecord, comment: string): Promise<string> {
  return change(hostedZoneId, "DELETE", name, current, comment);
}

/** True once the change reached every Route 53 name server (INSYNC). */
export async function isChangeInSync(changeId: string): Promise<boolean> {
  const answer = await runtime()
    .client(Route53Client, GLOBAL_SERVICE)
    .send(new GetChangeCommand({ Id: changeId }));
  return answer.ChangeInfo?.Status === "INSYNC";
}

async function change(hostedZoneId: string, action: "UPSERT" | "DELETE", name: string, record: ARecord, comment: string): Promise<string> {
  const answer = await runtime()
    .client(Route53Client, GLOBAL_SERVICE)
    .send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: hostedZoneId,
        ChangeBatch: {
          Comment: comment,
          Changes: [
            { Action: action, ResourceRecordSet: { Name: name, Type: "A", TTL: record.ttl, ResourceRecords: record.values.map((Value) => ({ Value })) } },
          ],
        },
      }),
    );
  return answer.ChangeInfo?.Id ?? "";
}
