import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Demo, type DemoSummary } from "../../local/demo.js";
import { gantryIn } from "../cli/run-gantry.js";

const home = mkdtempSync(join(tmpdir(), "gantry-demo-"));
process.env.GANTRY_HOME = home;
afterAll(() => rmSync(home, { recursive: true, force: true }));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on("error", () => resolve(false));
  });
}

/** Processes on this machine whose environment carries the given GANTRY_RUN_ID (Linux /proc). */
function processesOfRun(runId: string): number[] {
  return readdirSync("/proc").flatMap((entry) => {
    if (!/^\d+$/.test(entry)) return [];
    try {
      return readFileSync(`/proc/${entry}/environ`, "utf8").split("\0").includes(`GANTRY_RUN_ID=${runId}`) ? [Number(entry)] : [];
    } catch {
      return [];
    }
  });
}

async function eventually(check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return check();
}

describe("gantry demo", () => {
  it("deploys b7d2e4f01c68, rolls c3e9a5d28f10 back, fails no request, ends on b7d2e4f01c68 everywhere and leaves nothing running", async () => {
    const demo = new Demo();

    const summary = await demo.run();

    expect(summary.deploys.map((deploy) => [deploy.release, deploy.status])).toEqual([
      ["b7d2e4f01c68", "succeeded"],
      ["c3e9a5d28f10", "rolled back"],
    ]);
    expect(summary.requests.total).toBeGreaterThan(100);
    expect(summary.requests.failed).toBe(0);
    expect(summary.finalRelease).toBe("b7d2e4f01c68");
    expect(summary.instances).toHaveLength(4);
    expect(summary.ok).toBe(true);
    const { pids, ports } = demo.resources();
    expect(pids.length).toBeGreaterThanOrEqual(8);
    expect(pids.filter(alive)).toEqual([]);
    for (const port of ports) expect(await portOpen(port)).toBe(false);
  });

  it("--in-place deploys b7d2e4f01c68 and rolls c3e9a5d28f10 back on the same four instances, failing no request", async () => {
    const result = await gantryIn(home)("demo", "--in-place", "--json");

    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout.trim().split("\n").at(-1) ?? "") as DemoSummary;
    expect(summary).toMatchObject({ ok: true, mode: "in-place", finalRelease: "b7d2e4f01c68", requests: { failed: 0 } });
    expect(summary.requests.total).toBeGreaterThan(100);
    expect(summary.deploys.map((deploy) => [deploy.release, deploy.status])).toEqual([
      ["b7d2e4f01c68", "succeeded"],
      ["c3e9a5d28f10", "rolled back"],
    ]);
    expect(summary.deploys[1]?.cause).toMatch(
      /DeployCommandFailedError: Batch 1 of 2: "\/usr\/local\/bin\/gantry-deploy c3e9a5d28f10" failed on 2 instance\(s\)/,
    );
    // The instances the fleet started with, i-…1 to i-…4: none was replaced.
    expect(summary.instances.map((instance) => instance.id).sort()).toEqual([1, 2, 3, 4].map((n) => `i-${String(n).padStart(17, "0")}`));
  }, 150_000);

  it("exits by itself with 0 once the demo is done, its summary as JSON on the last line", async () => {
    const result = await gantryIn(home)("demo", "--json");

    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout.trim().split("\n").at(-1) ?? "")).toMatchObject({ ok: true, finalRelease: "b7d2e4f01c68" });
  }, 120_000);

  // The fourth note comes once every instance serves (the first three: releases built, instances starting, timings).
  it("stops every process and port when the demo fails with an exception", async () => {
    let notes = 0;
    const demo = new Demo({
      onNote: () => {
        if (++notes === 4) throw new Error("display broke");
      },
    });

    await expect(demo.run()).rejects.toThrow("display broke");

    const { pids, ports } = demo.resources();
    expect(pids).toHaveLength(4);
    expect(pids.filter(alive)).toEqual([]);
    for (const port of ports) expect(await portOpen(port)).toBe(false);
  });

  it("stops every process and port on Ctrl-C and exits 130", async () => {
    const runId = randomUUID();
    const cli = spawn(process.execPath, [join(import.meta.dirname, "../../bin/gantry.mjs"), "demo"], {
      env: { ...process.env, GANTRY_RUN_ID: runId, NO_COLOR: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    cli.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => cli.on("exit", (code) => resolve(code)));
    expect(await eventually(() => output.includes("deploying b7d2e4f01c68") && output.includes("Launch batch"), 20_000)).toBe(true);
    expect(processesOfRun(runId).length).toBeGreaterThanOrEqual(4);
    const port = Number(/load balancer on http:\/\/127\.0\.0\.1:(\d+)/.exec(output)?.[1]);

    cli.kill("SIGINT");

    expect(await exited).toBe(130);
    expect(await eventually(() => processesOfRun(runId).length === 0, 3_000)).toBe(true);
    expect(await portOpen(port)).toBe(false);
  });
});
