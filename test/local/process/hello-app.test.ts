import { afterEach, describe, expect, it } from "vitest";
import { AppProcess, DEFAULT_APP_DIR, httpGet } from "../../../local/process/index.js";

const running: AppProcess[] = [];

async function startApp(release: string, env: Record<string, string> = {}) {
  const app = new AppProcess({ appDir: DEFAULT_APP_DIR, release, instanceId: "i-0123456789abcdef0", env });
  running.push(app);
  const port = await app.listening;
  return { app, address: { host: "127.0.0.1", port } };
}

afterEach(async () => {
  await Promise.all(running.splice(0).map((app) => app.stop(2000)));
});

describe("hello-app", () => {
  it("answers /health with 200 and /version with its release and instance", async () => {
    const { address } = await startApp("b7d2e4f01c68");

    const health = await httpGet(address, "/health", 1000);
    const version = await httpGet(address, "/version", 1000);
    const greeting = await httpGet(address, "/", 1000);

    expect(health).toEqual({ status: 200, body: "ok\n" });
    expect(JSON.parse(version.body)).toEqual({ release: "b7d2e4f01c68", instance: "i-0123456789abcdef0" });
    expect(greeting.body).toContain("Hello from b7d2e4f01c68 on i-0123456789abcdef0");
  });

  it("fails /health with 500 on release c3e9a5d28f10, while still serving its pages", async () => {
    const { address } = await startApp("c3e9a5d28f10");

    const health = await httpGet(address, "/health", 1000);
    const version = await httpGet(address, "/version", 1000);

    expect(health.status).toBe(500);
    expect(health.body).toContain('release c3e9a5d28f10 reports health "failing"');
    expect(JSON.parse(version.body)).toMatchObject({ release: "c3e9a5d28f10" });
  });

  it("finishes a request in flight after SIGTERM, refuses new connections, then exits 0", async () => {
    const { app, address } = await startApp("a1f3c9e07b24");
    const slow = httpGet(address, "/?delayMs=700", 5000);
    await new Promise((resolve) => setTimeout(resolve, 150));

    const stopped = app.stop(5000);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const late = httpGet(address, "/health", 1000);

    await expect(late).rejects.toMatchObject({ code: "ECONNREFUSED" });
    expect(await slow).toMatchObject({ status: 200 });
    await stopped;
    expect(app.exit).toEqual({ code: 0, signal: null });
  });

  it("rejects an unknown release: exits 2 naming the missing release file", async () => {
    const app = new AppProcess({ appDir: DEFAULT_APP_DIR, release: "v9", instanceId: "i-1" });
    running.push(app);

    await expect(app.listening).rejects.toThrow(/exited before listening: code 2; stderr: hello-app: cannot read release v9 from .*releases\/v9\/release.json/);
  });

  it("rejects a release id that would leave the releases directory", async () => {
    const app = new AppProcess({ appDir: DEFAULT_APP_DIR, release: "../a1f3c9e07b24", instanceId: "i-1" });
    running.push(app);

    await expect(app.listening).rejects.toThrow(/RELEASE must be letters, digits/);
  });
});
