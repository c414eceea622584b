import type {
  Change,
  ChangeInfo,
  ChangeResourceRecordSetsCommandInput,
  ChangeResourceRecordSetsCommandOutput,
  GetChangeCommandInput,
  GetChangeCommandOutput,
  ListResourceRecordSetsCommandInput,
  ListResourceRecordSetsCommandOutput,
  ResourceRecordSet,
} from "@aws-sdk/client-route-53";
import type { Clock } from "../clock.js";
import { CloudFault, LocalCloudSetupError } from "./errors.js";
import type { Ids } from "./ids.js";
import { onlyParameters, type Operations, type Result } from "./operations.js";

/** Route 53 documents these limits per ChangeResourceRecordSets request. */
const CHANGES_PER_BATCH = 100;
const MAX_ITEMS = 300;

interface RecordSet {
  name: string;
  type: string;
  ttl: number;
  values: string[];
}

interface Zone {
  id: string;
  name: string;
  records: Map<string, RecordSet>;
}

/** `Jumpbox.Example.com` → `jumpbox.example.com.`: Route 53 compares names case-insensitively, with the final dot. */
export function fqdn(name: string): string {
  const lower = name.toLowerCase();
  return lower.endsWith(".") ? lower : `${lower}.`;
}

const keyOf = (name: string, type: string) => `${fqdn(name)} ${type}`;

/** ListResourceRecordSets order: names with their labels reversed (com.example.www), then type. */
function sortKey(record: { name: string; type: string }): string {
  return `${record.name.split(".").reverse().join(".")} ${record.type}`;
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/**
 * Hosted zones, record sets and changes. A change is PENDING for `propagationSeconds` after
 * it was accepted, then INSYNC, as Route 53 reports while the change reaches its name servers.
 */
export class HostedZones {
  private readonly zones = new Map<string, Zone>();
  private readonly changes = new Map<string, { submittedAt: number; comment?: string }>();

  constructor(
    private readonly clock: Clock,
    private readonly ids: Ids,
    private readonly propagationMs = 30_000,
  ) {}

  /** Creates a public hosted zone with its SOA and NS records at the apex. */
  create(id: string, name: string): void {
    if (!/^Z[A-Z0-9]{1,31}$/.test(id)) throw new LocalCloudSetupError(`"${id}" is not a hosted zone id such as Z0123456789ABCDEFGHIJ.`);
    const apex = fqdn(name);
    const records = new Map<string, RecordSet>([
      [keyOf(apex, "NS"), { name: apex, type: "NS", ttl: 172800, values: ["ns-1.awsdns-00.com.", "ns-2.awsdns-00.net."] }],
      [keyOf(apex, "SOA"), { name: apex, type: "SOA", ttl: 900, values: ["ns-1.awsdns-00.com. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400"] }],
    ]);
    this.zones.set(id, { id, name: apex, records });
  }

  /** Sets a record directly, as someone editing the zone by hand would (not an API call). */
  setRecord(zoneId: string, name: string, type: string, values: string[], ttl = 300): void {
    const record: RecordSet = { name: fqdn(name), type, ttl, values: [...values] };
    this.zone(zoneId).records.set(keyOf(name, type), record);
  }

  /** The record set as of now, for tests and scenarios. */
  record(zoneId: string, name: string, type = "A"): { ttl: number; values: string[] } | undefined {
    const found = this.zone(zoneId).records.get(keyOf(name, type));
    return found ? { ttl: found.ttl, values: [...found.values] } : undefined;
  }

  operations(): Operations {
    return {
      ChangeResourceRecordSets: (input: ChangeResourceRecordSetsCommandInput): Result<ChangeResourceRecordSetsCommandOutput> => {
        onlyParameters("route53", "ChangeResourceRecordSets", input, ["HostedZoneId", "ChangeBatch"]);
        const zone = this.zone(input.HostedZoneId);
        const changes = input.ChangeBatch?.Changes ?? [];
        if (changes.length === 0 || changes.length > CHANGES_PER_BATCH) {
          throw new CloudFault("InvalidInput", `ChangeBatch.Changes must hold 1 to ${CHANGES_PER_BATCH} changes; it holds ${changes.length}.`);
        }
        // Transactional: every change is checked against the zone as the batch leaves it, and
        // the zone changes only if all pass.
        const next = new Map(zone.records);
        const problems = changes.flatMap((change) => this.apply(zone, next, change));
        if (problems.length > 0) throw Object.assign(new CloudFault("InvalidChangeBatch", `[${problems.join(", ")}]`), { messages: problems });
        zone.records.clear();
        for (const [key, record] of next) zone.records.set(key, record);
        const id = this.ids.changeId();
        this.changes.set(id, { submittedAt: this.clock.now(), ...(input.ChangeBatch?.Comment ? { comment: input.ChangeBatch.Comment } : {}) });
        return { ChangeInfo: this.info(id) };
      },

      GetChange: (input: GetChangeCommandInput): Result<GetChangeCommandOutput> => {
        onlyParameters("route53", "GetChange", input, ["Id"]);
        const id = (input.Id ?? "").replace(/^\/change\//, "");
        if (!this.changes.has(id)) throw new CloudFault("NoSuchChange", `A change with the specified change ID does not exist: ${input.Id ?? ""}`);
        return { ChangeInfo: this.info(id) };
      },

      ListResourceRecordSets: (input: ListResourceRecordSetsCommandInput): Result<ListResourceRecordSetsCommandOutput> => {
        onlyParameters("route53", "ListResourceRecordSets", input, ["HostedZoneId", "StartRecordName", "StartRecordType", "MaxItems"]);
        const zone = this.zone(input.HostedZoneId);
        if (input.StartRecordType && !input.StartRecordName) {
          throw new CloudFault("InvalidInput", "The input is not valid: StartRecordType requires StartRecordName.");
        }
        const limit = input.MaxItems === undefined ? MAX_ITEMS : Math.min(Math.max(Number(input.MaxItems), 1), MAX_ITEMS);
        const sorted = [...zone.records.values()].sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : sortKey(a) > sortKey(b) ? 1 : 0));
        const start = input.StartRecordName ? sortKey({ name: fqdn(input.StartRecordName), type: input.StartRecordType ?? "" }) : "";
        const from = sorted.filter((record) => sortKey(record) >= start);
        const items = from.slice(0, limit);
        const following = from[limit];
        return {
          ResourceRecordSets: items.map(describe),
          IsTruncated: following !== undefined,
          MaxItems: limit,
          ...(following ? { NextRecordName: following.name, NextRecordType: following.type as ResourceRecordSet["Type"] } : {}),
        };
      },
    };
  }

  private zone(id: string | undefined): Zone {
    const zone = this.zones.get((id ?? "").replace(/^\/hostedzone\//, ""));
    if (!zone) throw new CloudFault("NoSuchHostedZone", `No hosted zone found with ID: ${id ?? ""}`);
    return zone;
  }

  private info(id: string): ChangeInfo {
    const change = this.changes.get(id)!;
    const insync = this.clock.now() >= change.submittedAt + this.propagationMs;
    return {
      Id: `/change/${id}`,
      Status: insync ? "INSYNC" : "PENDING",
      SubmittedAt: new Date(change.submittedAt),
      ...(change.comment ? { Comment: change.comment } : {}),
    };
  }

  /** Applies one change to `records`; returns Route 53's messages for what is wrong with it. */
  private apply(zone: Zone, records: Map<string, RecordSet>, change: Change): string[] {
    const set = change.ResourceRecordSet;
    if (!set?.Name || !set.Type) return ["Invalid request: a change needs ResourceRecordSet.Name and Type"];
    onlyParameters("route53", "ChangeResourceRecordSets", set, ["Name", "Type", "TTL", "ResourceRecords"]);
    const name = fqdn(set.Name);
    const label = `[name='${name}', type='${set.Type}']`;
    if (name !== zone.name && !name.endsWith(`.${zone.name}`)) return [`RRSet with DNS name ${name} is not permitted in zone ${zone.name}`];
    const values = (set.ResourceRecords ?? []).map((record) => record.Value ?? "");
    if (set.TTL === undefined || values.length === 0) return [`Invalid request: ${label} needs a TTL and at least one ResourceRecord`];
    const bad = set.Type === "A" ? values.find((value) => !IPV4.test(value)) : undefined;
    if (bad !== undefined)
      return [`Invalid Resource Record: 'FATAL problem: ARRDATAIllegalIPv4Address (Value is not a valid IPv4 address) encountered with '${bad}''`];
    const key = keyOf(name, set.Type);
    const current = records.get(key);
    const wanted: RecordSet = { name, type: set.Type, ttl: set.TTL, values };
    switch (change.Action) {
      case "CREATE":
        if (current) return [`Tried to create resource record set ${label} but it already exists`];
        records.set(key, wanted);
        return [];
      case "UPSERT":
        records.set(key, wanted);
        return [];
      case "DELETE":
        if (!current) return [`Tried to delete resource record set ${label} but it was not found`];
        if (current.ttl !== wanted.ttl || [...current.values].sort().join() !== [...values].sort().join()) {
          return [`Tried to delete resource record set ${label} but the values provided do not match the current values`];
        }
        records.delete(key);
        return [];
      default:
        return [`Invalid request: unknown action ${String(change.Action)}`];
    }
  }
}

function describe(record: RecordSet): ResourceRecordSet {
  return { Name: record.name, Type: record.type as ResourceRecordSet["Type"], TTL: record.ttl, ResourceRecords: record.values.map((Value) => ({ Value })) };
}
