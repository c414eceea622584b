import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { ExecutionRecord } from "../../functions/core/executions/execution-record.js";
import { endAbandoned } from "../../local/abandoned-runs.js";
import { ExecutionStore } from "../../local/records.js";

const root = mkdtempSync(join(tmpdir(), "gantry-abandoned-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const running = (name: string, pid: number): ExecutionRecord => ({
  name,
  status: "RUNNING",
  startedAt: 1_000,
  input: {},
  historyEvents: 0,
  transitions: 0,
  maxPayloadBytes: 0,
  steps: [{ state: "Bake", type: "Wait", enteredAt: 5_000 }],
  pid,
});

/** The pid of a process that has already exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
  return Number(child.stdout);
}

describe("endAbandoned", () => {
  it("reads a RUNNING record whose process is gone as ABORTED, stopped at its last step, naming the process and the step", () => {
    const store = new ExecutionStore(root);
    store.save(running("hello-prod-v2-killed", deadPid()));

    const [record] = store.list();

    expect(record).toMatchObject({ status: "ABORTED", stoppedAt: 5_000, error: "ProcessEnded" });
    expect(record?.cause).toMatch(/process \d+ .*ended before it did \(in "Bake"\)/);
  });

  it("leaves a record whose process still runs as RUNNING", () => {
    expect(endAbandoned(running("hello-prod-v2-live", process.pid)).status).toBe("RUNNING");
  });

  it("leaves a finished record alone", () => {
    const done = { ...running("hello-prod-v2-done", 1), status: "SUCCEEDED" as const };

    expect(endAbandoned(done, () => false)).toBe(done);
  });
});
