import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { FUNCTIONS, type Capability } from "../../functions/catalog.js";

/** The capability each AWS adapter in functions/aws/ calls on; adapters not listed here grant nothing by themselves. */
const ADAPTER_NEEDS: Record<string, Capability> = {
  "group.ts": "group-read",
  "targets.ts": "group-read",
  "alarms.ts": "group-read",
  "observe.ts": "group-read",
  "group-actions.ts": "group-write",
  "launch-template.ts": "group-write",
  "deploy-lock.ts": "lock-table",
  "release-history.ts": "lock-table",
  "executions.ts": "start-deploy",
  "webhook-secret.ts": "webhook-secret",
  "http-probe.ts": "http-probe",
  "instances-power.ts": "instance-power",
  "power-groups.ts": "group-size",
  "dns.ts": "dns-records",
};

/** Every functions/ module a handler reaches through relative imports. */
function reachable(entry: string, seen = new Set<string>()): Set<string> {
  if (seen.has(entry)) return seen;
  seen.add(entry);
  const source = readFileSync(entry, "utf8");
  for (const match of source.matchAll(/^import\s+(?!type\b)[^;]*?from\s+"(\.[^"]+)\.js"/gm)) {
    const target = resolve(dirname(entry), `${match[1]}.ts`);
    if (target.includes(`${join("functions", "")}`)) reachable(target, seen);
  }
  return seen;
}

describe("functions/catalog.ts", () => {
  it.each(FUNCTIONS.map((entry) => [entry.dir, entry] as const))("%s needs what its code calls", (_dir, entry) => {
    const modules = [...reachable(resolve("functions", entry.dir, "handler.ts"))];
    const called = new Set(modules.filter((module) => module.includes(join("functions", "aws"))).flatMap((module) => {
      const need = ADAPTER_NEEDS[module.split("/").pop() as string];
      return need ? [need] : [];
    }));

    expect([...entry.needs].sort()).toEqual(expect.arrayContaining([...called].sort()));
    expect(entry.needs.filter((need) => (Object.values(ADAPTER_NEEDS) as string[]).includes(need) && !called.has(need))).toEqual([]);
  });
});
