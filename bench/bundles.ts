import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { buildFunctions } from "../scripts/build.mjs";

/**
 * The Lambda bundles as `npm run build` makes them: per bundle, its size and what importing it
 * costs a cold process (target, issue 11: at most 1.2 MB and 0.2 CPU-s each). The import cost is
 * the CPU time (user + system) spent inside `await import(bundle)`, measured by the importing
 * process itself, so node's own start-up is not in it; the whole process's CPU time and that of a
 * bare node are reported too. Each is the median of `runs` fresh processes: the machine is shared.
 */
export const BUNDLE_BYTES_TARGET = 1_200_000;
export const IMPORT_CPU_SECONDS_TARGET = 0.2;

export interface BundleCost {
  scenario: "bundle";
  name: string;
  bytes: number;
  importCpuSeconds: number;
  processCpuSeconds: number;
  withinTarget: boolean;
}

/** Prints one JSON line per bundle through `emit`, and returns the summary line. */
export async function runBundleScenario(
  emit: (line: BundleCost) => void = (line) => console.log(JSON.stringify(line)),
  runs = 5,
): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), "gantry-bundles-"));
  try {
    const { outdir, names } = await buildFunctions({ outdir: dir });
    const baseline = median(Array.from({ length: runs }, () => measure(undefined).processCpuSeconds));
    const costs: BundleCost[] = [];
    for (const name of names) {
      const file = join(outdir, name, "index.mjs");
      const samples = Array.from({ length: runs }, () => measure(file));
      const bytes = statSync(file).size;
      const importCpuSeconds = median(samples.map((sample) => sample.importCpuSeconds));
      const cost: BundleCost = {
        scenario: "bundle",
        name,
        bytes,
        importCpuSeconds,
        processCpuSeconds: median(samples.map((sample) => sample.processCpuSeconds)),
        withinTarget: bytes <= BUNDLE_BYTES_TARGET && importCpuSeconds <= IMPORT_CPU_SECONDS_TARGET,
      };
      emit(cost);
      costs.push(cost);
    }
    return {
      scenario: "bundles",
      bundles: costs.length,
      maxBytes: Math.max(...costs.map((cost) => cost.bytes)),
      maxImportCpuSeconds: Math.max(...costs.map((cost) => cost.importCpuSeconds)),
      bareNodeCpuSeconds: baseline,
      runsPerBundle: runs,
      allWithinTarget: costs.every((cost) => cost.withinTarget),
      target: `bytes <= ${BUNDLE_BYTES_TARGET} and importCpuSeconds <= ${IMPORT_CPU_SECONDS_TARGET} per bundle`,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * One fresh node that imports `file` (or nothing, for the baseline). The handler must be a
 * function, so a bundle that loads but exports nothing usable fails the bench instead of
 * looking cheap.
 */
function measure(file: string | undefined): { importCpuSeconds: number; processCpuSeconds: number } {
  const script = `
const before = process.cpuUsage();
${
  file
    ? `const bundle = await import(${JSON.stringify(pathToFileURL(file).href)});
if (typeof bundle.handler !== "function") throw new TypeError("no handler function exported by " + ${JSON.stringify(file)});`
    : ""
}
const spent = process.cpuUsage(before);
const usage = process.resourceUsage();
process.stdout.write(JSON.stringify({ importMicros: spent.user + spent.system, processMicros: usage.userCPUTime + usage.systemCPUTime }));
`;
  // The SDK warns once per process on node 20 (the Lambda runtime is node 22); the warning is not part of a cold start there.
  const env = {
    ...process.env,
    AWS_REGION: process.env.AWS_REGION ?? "eu-west-1",
    GANTRY_QUIET: "1",
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
  };
  const out = execFileSync(process.execPath, ["--input-type=module", "-e", script], { env, encoding: "utf8" });
  const { importMicros, processMicros } = JSON.parse(out) as { importMicros: number; processMicros: number };
  return { importCpuSeconds: round(importMicros / 1e6), processCpuSeconds: round(processMicros / 1e6) };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

function round(seconds: number): number {
  return Number(seconds.toFixed(3));
}
