import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { gantryIn } from "./run-gantry.js";

const home = mkdtempSync(join(tmpdir(), "gantry-console-cli-"));
const gantry = gantryIn(home);
const bin = join(import.meta.dirname, "../../bin/gantry.mjs");

afterAll(() => rmSync(home, { recursive: true, force: true }));

describe("gantry console", () => {
  it("prints its URL and token, serves the page read-only without the token, and stops on Ctrl-C", async () => {
    const child = spawn(process.execPath, [bin, "console", "--local", "--port", "0", "--json"], { env: { ...process.env, GANTRY_HOME: home, NO_COLOR: "1" } });
    let stdout = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    try {
      const deadline = Date.now() + 20_000;
      while (!stdout.includes("\n") && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      const started = JSON.parse(stdout.split("\n")[0] ?? "") as { url: string; token: string; mode: string };
      expect(started.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      expect(started.token).toMatch(/^[\w-]{32}$/);

      const info = (await (await fetch(`${started.url}api/console`)).json()) as { actions: { name: string }[] };
      expect(info.actions.map((action) => action.name)).toEqual(["deploy", "rollback"]);
      const refused = await fetch(`${started.url}api/actions/deploy`, { method: "POST", body: JSON.stringify({ app: "hello", env: "prod", release: "v2" }) });
      expect(refused.status).toBe(403);
    } finally {
      child.kill("SIGINT");
    }
    expect(await exited).toBe(0);
  });

  it("rejects a port out of range with exit code 2", async () => {
    const result = await gantry("console", "--local", "--port", "70000");

    expect(result.code).toBe(2);
    expect(result.stderr).toContain("--port <n>");
  });

  it("rejects --port on the demo without --console", async () => {
    const result = await gantry("demo", "--port", "8000");

    expect(result.code).toBe(2);
    expect(result.stderr).toContain("--port only applies with --console");
  });
});
