import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { ExecutionRecord } from "../../functions/core/executions/execution-record.js";
import { ExecutionStore } from "../../local/records.js";
import { gantryIn } from "./run-gantry.js";

const home = mkdtempSync(join(tmpdir(), "gantry-abort-"));
const gantry = gantryIn(home).withEnv({ USER: "ana" });
afterAll(() => rmSync(home, { recursive: true, force: true }));

function recordExecution(name: string, status: ExecutionRecord["status"]): void {
  new ExecutionStore(home).save({
    name,
    status,
    startedAt: Date.UTC(2026, 0, 6, 9, 0, 0),
    // This test's own process: alive, so a RUNNING record reads as running.
    pid: process.pid,
    input: { app: "hello", env: "prod", release: { id: "v2" } },
    historyEvents: 3,
    transitions: 2,
    maxPayloadBytes: 100,
    steps: [],
  });
}

describe("gantry abort --local", () => {
  it("files the request under .gantry/requests for a running local execution", async () => {
    recordExecution("hello-prod-v2-run1", "RUNNING");

    const result = await gantry("abort", "hello-prod-v2-run1", "--local", "--reason", "wrong build");

    expect(result.code).toBe(0);
    expect(result.stdout).toBe("Abort requested for hello-prod-v2-run1 (hello/prod) by ana: it stops at its next step and rolls back.\n");
    const file = join(home, "requests", "hello.prod.hello-prod-v2-run1.json");
    expect(JSON.parse(readFileSync(file, "utf8"))).toMatchObject({ kind: "abort", execution: "hello-prod-v2-run1", by: "ana", reason: "wrong build" });
  });

  it("rejects a finished execution with exit 2, naming it and its status, and files nothing", async () => {
    recordExecution("hello-prod-v2-done", "SUCCEEDED");

    const result = await gantry("abort", "hello-prod-v2-done", "--local");

    expect(result.code).toBe(2);
    expect(result.stderr).toContain("hello-prod-v2-done is SUCCEEDED, not running: there is nothing to abort");
    expect(existsSync(join(home, "requests", "hello.prod.hello-prod-v2-done.json"))).toBe(false);
  });

  it("rejects an execution that is not recorded, with exit 2", async () => {
    const result = await gantry("abort", "nothing-like-it", "--local");

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('No execution named or starting with "nothing-like-it"');
  });

  it("lists its options in --help", async () => {
    const result = await gantry("abort", "--help");

    expect(result.code).toBe(0);
    for (const option of ["<execution>", "--reason <text>", "--local", "--json", "--region <region>", "--stack <name>"])
      expect(result.stdout).toContain(option);
  });
});
