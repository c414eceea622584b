import {
  ChangeResourceRecordSetsCommand,
  GetChangeCommand,
  InvalidChangeBatch,
  ListResourceRecordSetsCommand,
  Route53Client,
  type Change,
} from "@aws-sdk/client-route-53";
import { describe, expect, it } from "vitest";
import { VirtualClock } from "../../../local/clock.js";
import { attachLocalCloud, LocalCloud } from "../../../local/cloud/index.js";
import { seconds } from "./fixtures.js";

const ZONE = "Z0123456789ABCDEFGHIJ";

function zone() {
  const clock = new VirtualClock();
  const cloud = new LocalCloud({ clock });
  cloud.createHostedZone(ZONE, "dev.example.com");
  const route53 = attachLocalCloud(new Route53Client({ region: "us-east-1", credentials: { accessKeyId: "x", secretAccessKey: "y" } }), cloud);
  const change = (...changes: Change[]) => route53.send(new ChangeResourceRecordSetsCommand({ HostedZoneId: ZONE, ChangeBatch: { Changes: changes } }));
  return { clock, cloud, route53, change };
}

const a = (action: Change["Action"], name: string, values: string[], ttl = 60): Change => ({
  Action: action,
  ResourceRecordSet: { Name: name, Type: "A", TTL: ttl, ResourceRecords: values.map((Value) => ({ Value })) },
});

describe("local cloud: Route 53", () => {
  it("accepts a change as PENDING and reports it INSYNC once it has propagated", async () => {
    const { clock, route53, change } = zone();
    const answer = await change(a("UPSERT", "jumpbox.dev.example.com", ["198.51.100.7"]));
    expect(answer.ChangeInfo?.Status).toBe("PENDING");
    expect(answer.ChangeInfo?.Id).toMatch(/^\/change\/C[0-9A-Z]{13}$/);
    expect((await route53.send(new GetChangeCommand({ Id: answer.ChangeInfo?.Id }))).ChangeInfo?.Status).toBe("PENDING");
    await clock.sleep(seconds(30));
    const id = answer.ChangeInfo?.Id?.replace("/change/", "");
    expect((await route53.send(new GetChangeCommand({ Id: id }))).ChangeInfo?.Status).toBe("INSYNC");
  });

  it("creates with UPSERT, then replaces; names compare case-insensitively with the final dot", async () => {
    const { cloud, change } = zone();
    await change(a("UPSERT", "Jumpbox.Dev.Example.com", ["198.51.100.7"]));
    await change(a("UPSERT", "jumpbox.dev.example.com.", ["198.51.100.8"], 30));
    expect(cloud.dns.record(ZONE, "jumpbox.dev.example.com")).toEqual({ ttl: 30, values: ["198.51.100.8"] });
  });

  it("rejects a CREATE of an existing record set with InvalidChangeBatch", async () => {
    const { change } = zone();
    await change(a("CREATE", "jumpbox.dev.example.com", ["198.51.100.7"]));
    const failure = await change(a("CREATE", "jumpbox.dev.example.com", ["198.51.100.8"])).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(InvalidChangeBatch);
    expect((failure as Error).message).toContain("Tried to create resource record set [name='jumpbox.dev.example.com.', type='A'] but it already exists");
  });

  it("deletes only on an exact match of TTL and values, else InvalidChangeBatch and nothing changes", async () => {
    const { cloud, change } = zone();
    await change(a("UPSERT", "jumpbox.dev.example.com", ["198.51.100.7"]));
    await expect(change(a("DELETE", "jumpbox.dev.example.com", ["198.51.100.9"]))).rejects.toThrow("the values provided do not match the current values");
    await expect(change(a("DELETE", "jumpbox.dev.example.com", ["198.51.100.7"], 300))).rejects.toThrow("do not match");
    await expect(change(a("DELETE", "other.dev.example.com", ["198.51.100.7"]))).rejects.toThrow("but it was not found");
    expect(cloud.dns.record(ZONE, "jumpbox.dev.example.com")).toBeDefined();
    await change(a("DELETE", "jumpbox.dev.example.com", ["198.51.100.7"]));
    expect(cloud.dns.record(ZONE, "jumpbox.dev.example.com")).toBeUndefined();
  });

  it("applies a batch all or nothing", async () => {
    const { cloud, change } = zone();
    await expect(change(a("UPSERT", "one.dev.example.com", ["198.51.100.1"]), a("DELETE", "two.dev.example.com", ["198.51.100.2"]))).rejects.toBeInstanceOf(
      InvalidChangeBatch,
    );
    expect(cloud.dns.record(ZONE, "one.dev.example.com")).toBeUndefined();
  });

  it("rejects names outside the zone, bad IPv4 values and unknown zones", async () => {
    const { route53, change } = zone();
    await expect(change(a("UPSERT", "jumpbox.example.org", ["198.51.100.7"]))).rejects.toThrow("is not permitted in zone dev.example.com.");
    await expect(change(a("UPSERT", "jumpbox.dev.example.com", ["300.1.1.1"]))).rejects.toThrow("ARRDATAIllegalIPv4Address");
    await expect(
      route53.send(
        new ChangeResourceRecordSetsCommand({ HostedZoneId: "ZNOSUCHZONE", ChangeBatch: { Changes: [a("UPSERT", "x.dev.example.com", ["198.51.100.7"])] } }),
      ),
    ).rejects.toMatchObject({ name: "NoSuchHostedZone" });
    await expect(route53.send(new GetChangeCommand({ Id: "CNOSUCHCHANGE0" }))).rejects.toMatchObject({ name: "NoSuchChange" });
  });

  it("lists record sets in Route 53's order from a start name and type", async () => {
    const { route53, change } = zone();
    await change(a("UPSERT", "jumpbox.dev.example.com", ["198.51.100.7"]), a("UPSERT", "api.dev.example.com", ["198.51.100.8"]));
    const all = await route53.send(new ListResourceRecordSetsCommand({ HostedZoneId: ZONE }));
    expect(all.ResourceRecordSets?.map((set) => `${set.Name} ${set.Type}`)).toEqual([
      "dev.example.com. NS",
      "dev.example.com. SOA",
      "api.dev.example.com. A",
      "jumpbox.dev.example.com. A",
    ]);
    const one = await route53.send(
      new ListResourceRecordSetsCommand({ HostedZoneId: ZONE, StartRecordName: "jumpbox.dev.example.com", StartRecordType: "A", MaxItems: 1 }),
    );
    expect(one.ResourceRecordSets).toEqual([{ Name: "jumpbox.dev.example.com.", Type: "A", TTL: 60, ResourceRecords: [{ Value: "198.51.100.7" }] }]);
    expect(one.IsTruncated).toBe(false);
  });
});
