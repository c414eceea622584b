import { DNS_TTL_SECONDS, KEEP_RUNNING_TAG, keepRunning } from "../../core/power/power.js";
import { assessStart, assessStop, dnsChangeFor, type InstancesVerdict, type PowerProgress, type TargetProgress } from "../../core/power/power-progress.js";
import { deleteARecord, isChangeInSync, readARecord, upsertARecord } from "./dns.js";
import { findTagged, passingStatusChecks, startInstances, stopInstances, type TaggedInstance } from "./instances-power.js";

type Run = Pick<PowerProgress, "schedule" | "action" | "at" | "timezone">;

/**
 * First pass over a tag target. Start: start the stopped instances. Stop: point the DNS record
 * at what stays up (nothing, usually: the record is deleted) before the instances go, then stop
 * every running instance whose override has expired.
 */
export async function actOnInstances(run: Run, target: TargetProgress, tag: string): Promise<TargetProgress> {
  const found = await findTagged(tag);
  if (found.length === 0) return { ...target, status: "skipped", detail: `no instance carries the tag ${tag}` };
  if (run.action === "start") {
    const stopped = found.filter((instance) => instance.state === "stopped").map((instance) => instance.id);
    await startInstances(stopped);
    return { ...target, detail: `starting ${stopped.length} of ${found.length}` };
  }
  const observed = withOverrides(run, found);
  const dnsChange = await pointDns(run, target, assessStop(observed.map((i) => ({ ...i, state: i.kept ? i.state : "stopped" }))));
  const stopping = await stopExpired(observed);
  return { ...target, ...(dnsChange ? { dnsChange } : {}), detail: `stopping ${stopping} of ${found.length}` };
}

/** Later passes: read the instances again, update DNS once a start settled, wait for Route 53. */
export async function checkInstances(run: Run, target: TargetProgress, tag: string): Promise<TargetProgress> {
  const found = await findTagged(tag);
  let verdict: InstancesVerdict;
  if (run.action === "start") {
    const ok = await passingStatusChecks(found.filter((instance) => instance.state === "running").map((instance) => instance.id));
    verdict = assessStart(found.map((instance) => ({ ...instance, checksOk: ok.has(instance.id) })));
  } else {
    const observed = withOverrides(run, found);
    // An instance still pending at the first pass could not be stopped then (EC2 refuses): now it can.
    await stopExpired(observed);
    verdict = assessStop(observed);
  }
  const next: TargetProgress = { ...target, counts: verdict.counts, detail: verdict.detail };
  if (!verdict.settled) return next;
  const failed = verdict.failed.length > 0 && verdict.addresses.length === 0;
  if (failed) return { ...next, status: "failed" };
  const waiting = { ...next, detail: `${verdict.detail}; ${dnsNote(target, verdict)}, waiting for Route 53` };
  let seen = "in sync";
  if (!target.dnsChange) {
    // No change of this run to wait for (a start, or a retried stop whose first attempt already
    // deleted the record): read the record now, change it if it is not what it should be, and
    // claim only what was read, since that earlier change's own sync was never seen.
    const dnsChange = await pointDns(run, target, verdict);
    if (dnsChange) return { ...waiting, dnsChange };
    seen = "found so; no change of this run to wait for";
  } else if (!(await isChangeInSync(target.dnsChange))) return waiting;
  const dns = target.config.dns ? `; ${dnsNote(target, verdict)} (${seen})` : "";
  return { ...next, status: verdict.failed.length > 0 ? "failed" : "done", detail: `${verdict.detail}${dns}` };
}

function withOverrides(run: Run, found: readonly TaggedInstance[]): TaggedInstance[] {
  const at = new Date(run.at);
  return found.map((instance) => {
    const keep = keepRunning(instance.tags[KEEP_RUNNING_TAG], run.timezone, at);
    return keep.keep ? { ...instance, kept: keep.reason } : instance;
  });
}

async function stopExpired(observed: readonly TaggedInstance[]): Promise<number> {
  const ids = observed.filter((instance) => !instance.kept && instance.state === "running").map((instance) => instance.id);
  await stopInstances(ids);
  return ids.length;
}

/** Makes the target's record hold exactly the settled addresses; returns the change id, if any change was made. */
async function pointDns(run: Run, target: TargetProgress, verdict: InstancesVerdict): Promise<string | undefined> {
  const dns = target.config.dns;
  if (!dns || !verdict.settled) return undefined;
  const current = await readARecord(dns.hostedZoneId, dns.recordName);
  const comment = `gantry schedule ${run.schedule} ${run.action}`;
  switch (dnsChangeFor(current, verdict.addresses, DNS_TTL_SECONDS)) {
    case "upsert":
      return upsertARecord(dns.hostedZoneId, dns.recordName, verdict.addresses, DNS_TTL_SECONDS, comment);
    case "delete":
      return current ? deleteARecord(dns.hostedZoneId, dns.recordName, current, comment) : undefined;
    case "none":
      return undefined;
  }
}

function dnsNote(target: TargetProgress, verdict: InstancesVerdict): string {
  const name = target.config.dns?.recordName ?? "";
  if (!verdict.settled || verdict.addresses.length === 0) return `DNS ${name} removed`;
  return `DNS ${name} → ${verdict.addresses.join(", ")} (TTL ${DNS_TTL_SECONDS} s)`;
}
