import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fileRequests } from "../../local/operator-requests.js";

describe("local operator requests", () => {
  it("keeps one request per execution across store instances", async () => {
    const root = mkdtempSync(join(tmpdir(), "gantry-requests-"));
    const writer = fileRequests(root);
    await writer.put("shop", "prod", { kind: "abort", execution: "run-1", by: "ana", at: 1000, reason: "bad metrics" });
    await writer.put("shop", "prod", { kind: "rollback", execution: "run-1", by: "ben", at: 2000 });
    const reader = fileRequests(root);
    expect(await reader.read("shop", "prod", "run-1")).toEqual({ kind: "rollback", execution: "run-1", by: "ben", at: 2000 });
    expect(await reader.read("shop", "prod", "run-2")).toBeUndefined();
    expect(await reader.read("shop", "staging", "run-1")).toBeUndefined();
  });

  it("reads a file that is not a request as no request", async () => {
    const root = mkdtempSync(join(tmpdir(), "gantry-requests-"));
    const store = fileRequests(root);
    await store.put("shop", "prod", { kind: "approve", execution: "run-1", by: "ana", at: 1, checkpoint: 2 });
    expect(await store.read("shop", "prod", "run-1")).toMatchObject({ kind: "approve", checkpoint: 2 });
    writeFileSync(join(root, "requests", "shop.prod.run-1.json"), JSON.stringify({ kind: "explode", execution: "run-1" }));
    expect(await store.read("shop", "prod", "run-1")).toBeUndefined();
  });
});
