import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { ExecutionRecord } from "../../functions/core/executions/execution-record.js";
import { ExecutionStore } from "../../local/records.js";

const root = mkdtempSync(join(tmpdir(), "gantry-records-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const record = (name: string, startedAt: number): ExecutionRecord => ({
  name,
  status: "SUCCEEDED",
  startedAt,
  input: {},
  historyEvents: 0,
  transitions: 0,
  maxPayloadBytes: 0,
  steps: [],
});

describe("ExecutionStore.lookup", () => {
  const store = new ExecutionStore(root);
  store.save(record("hello-prod-v2-a1", 1));
  store.save(record("hello-prod-v2-a2", 2));
  store.save(record("hello-prod-v3-b1", 3));

  it("finds an execution by its name or a unique prefix", () => {
    expect(store.lookup("hello-prod-v2-a1").record?.name).toBe("hello-prod-v2-a1");
    expect(store.lookup("hello-prod-v3").record?.name).toBe("hello-prod-v3-b1");
  });

  it("finds none for a prefix several names share, naming them newest first", () => {
    expect(store.lookup("hello-prod-v2")).toEqual({ matches: ["hello-prod-v2-a2", "hello-prod-v2-a1"] });
  });

  it("finds none for a name that matches nothing", () => {
    expect(store.lookup("hello-staging")).toEqual({ matches: [] });
  });
});
