import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { ExecutionRecord } from "../../functions/core/executions/execution-record.js";
import { approvalCheckpoint } from "../../functions/core/rollout/approvals.js";
import { ExecutionStore } from "../../local/records.js";
import { gantryIn } from "./run-gantry.js";

const home = mkdtempSync(join(tmpdir(), "gantry-approve-"));
const gantry = gantryIn(home).withEnv({ USER: "ana" });
afterAll(() => rmSync(home, { recursive: true, force: true }));
const AT = Date.UTC(2026, 0, 6, 9, 0, 0);

/** A running local deploy (this test's own process, so alive) whose last state is `state`. */
function recordExecution(name: string, state: string): void {
  const approval = approvalCheckpoint(1, 4, "24h", AT);
  const steps: ExecutionRecord["steps"] = [
    { state: "Check after bake", type: "Task", enteredAt: AT - 1000, exitedAt: AT, output: { progress: { approval } } },
    { state: "Batch complete?", type: "Choice", enteredAt: AT, exitedAt: AT, output: { progress: { approval } } },
    { state, type: "Task", enteredAt: AT },
  ];
  new ExecutionStore(home).save({
    name,
    status: "RUNNING",
    startedAt: AT - 60_000,
    pid: process.pid,
    input: { app: "hello", env: "prod", release: { id: "v2" } },
    historyEvents: 30,
    transitions: 20,
    maxPayloadBytes: 100,
    steps,
  });
}

describe("gantry approve and reject --local", () => {
  it("files the answer for the checkpoint the local deploy waits at", async () => {
    recordExecution("hello-prod-v2-wait1", "Wait for approval");

    const approved = await gantry("approve", "hello-prod-v2-wait1", "--local");

    expect(approved.code).toBe(0);
    expect(approved.stdout).toBe("Approved hello-prod-v2-wait1 (hello/prod) after batch 2 of 4 as ana: it goes on to its next batch.\n");
    const file = join(home, "requests", "hello.prod.hello-prod-v2-wait1.json");
    expect(JSON.parse(readFileSync(file, "utf8"))).toMatchObject({ kind: "approve", execution: "hello-prod-v2-wait1", by: "ana", checkpoint: 2 });

    const rejected = await gantry("reject", "hello-prod-v2-wait1", "--local", "--reason", "latency", "--json");
    expect(rejected.code).toBe(0);
    expect(JSON.parse(rejected.stdout.trim())).toMatchObject({ kind: "reject", batch: 2, of: 4, reason: "latency" });
    expect(JSON.parse(readFileSync(file, "utf8"))).toMatchObject({ kind: "reject", reason: "latency", checkpoint: 2 });
  });

  it("refuses, exit 2, a deploy that is not at a checkpoint, and a reject without --reason", async () => {
    recordExecution("hello-prod-v2-busy", "Launch batch");

    const busy = await gantry("approve", "hello-prod-v2-busy", "--local");
    expect(busy.code).toBe(2);
    expect(busy.stderr).toContain('hello-prod-v2-busy is not waiting for approval (it is in "Launch batch")');

    const bare = await gantry("reject", "hello-prod-v2-busy", "--local");
    expect(bare.code).not.toBe(0);
    expect(bare.stderr).toContain("--reason");
  });
});
