import pLimit from "p-limit";
import type { ObservedInstance } from "../../core/fleet.js";
import type { HttpProbeResult } from "../../core/rollout/gate.js";
import type { DeployInput } from "../../core/config/input.js";
import { runtime } from "../runtime.js";

type HttpGate = NonNullable<DeployInput["gates"]["http"]>;

/** One GET against one instance; local mode's runtime carries one that reaches local instances. */
export type HttpTransport = (instance: ObservedInstance, port: number, path: string, timeoutMs: number) => Promise<{ status: number; body: string }>;

const fetchTransport: HttpTransport = async (instance, port, path, timeoutMs) => {
  if (!instance.privateIp) throw new Error("instance has no private IP address");
  const response = await fetch(`http://${instance.privateIp}:${port}${path}`, { signal: AbortSignal.timeout(timeoutMs) });
  return { status: response.status, body: await response.text() };
};

/** Sixteen probes in flight: a 1,000-instance check stays short without flooding the VPC. */
const limit = pLimit(16);

/** Asks each instance's app for its health and, when configured, the release it runs. */
export async function probeInstances(instances: readonly ObservedInstance[], gate: HttpGate): Promise<HttpProbeResult[]> {
  return Promise.all(instances.map((instance) => limit(() => probeOne(instance, gate))));
}

async function probeOne(instance: ObservedInstance, gate: HttpGate): Promise<HttpProbeResult> {
  const transport = runtime().httpTransport ?? fetchTransport;
  try {
    const health = await transport(instance, gate.port, gate.healthPath, gate.timeoutMs);
    if (!gate.versionPath) return { instanceId: instance.id, healthStatus: health.status };
    const version = await transport(instance, gate.port, gate.versionPath, gate.timeoutMs);
    return { instanceId: instance.id, healthStatus: health.status, version: readVersion(version.body) };
  } catch (error) {
    return { instanceId: instance.id, healthStatus: 0, error: error instanceof Error ? error.message : String(error) };
  }
}

/** A version endpoint may answer JSON (`{"release":"v2"}` or `{"version":"v2"}`) or plain text. */
export function readVersion(body: string): string {
  try {
    const parsed = JSON.parse(body) as Record<string, unknown>;
    const value = parsed.release ?? parsed.version;
    if (typeof value === "string") return value;
  } catch {
    // plain text body
  }
  return body.trim();
}
