import { describe, expect, it, vi } from "vitest";
import { probeInstances, readVersion, type HttpTransport } from "../../../../functions/aws/rollout/http-probe.js";
import { createRuntime, provideRuntime } from "../../../../functions/aws/runtime.js";
import { newInstances } from "../../fixtures.js";

const gate = { port: 8080, healthPath: "/health", versionPath: "/version", timeoutMs: 2_000 };

/** A runtime whose HTTP gates reach instances through `transport`. */
function useHttpTransport(transport: HttpTransport): void {
  provideRuntime(createRuntime({ httpTransport: transport }));
}

/** Answers per path, as an app on the instance would. */
function appAnswering(answers: Record<string, { status: number; body: string }>): HttpTransport {
  return vi.fn<HttpTransport>(async (_instance, _port, path) => {
    const answer = answers[path];
    if (!answer) throw new Error(`unexpected path ${path}`);
    return answer;
  });
}

describe("probeInstances", () => {
  it("reads the release from a JSON version answer", async () => {
    useHttpTransport(appAnswering({ "/health": { status: 200, body: "ok" }, "/version": { status: 200, body: '{"release":"v2","commit":"3f2c1ab"}' } }));

    const results = await probeInstances(newInstances(2), gate);

    expect(results).toEqual([
      { instanceId: "i-new001", healthStatus: 200, version: "v2" },
      { instanceId: "i-new002", healthStatus: 200, version: "v2" },
    ]);
  });

  it("reads the version field when a JSON answer has no release field", async () => {
    useHttpTransport(appAnswering({ "/health": { status: 200, body: "ok" }, "/version": { status: 200, body: '{"version":"v3"}' } }));

    const results = await probeInstances(newInstances(1), gate);

    expect(results[0]?.version).toBe("v3");
  });

  it("reads a plain-text version answer without its line break", async () => {
    useHttpTransport(appAnswering({ "/health": { status: 200, body: "ok" }, "/version": { status: 200, body: "v4\n" } }));

    const results = await probeInstances(newInstances(1), gate);

    expect(results[0]?.version).toBe("v4");
  });

  it("asks each instance on the gate's port, paths and timeout", async () => {
    const transport = appAnswering({ "/health": { status: 200, body: "ok" }, "/version": { status: 200, body: "v2" } });
    useHttpTransport(transport);
    const [instance] = newInstances(1);

    await probeInstances(newInstances(1), gate);

    expect(transport).toHaveBeenCalledWith(instance, 8080, "/health", 2_000);
    expect(transport).toHaveBeenCalledWith(instance, 8080, "/version", 2_000);
  });

  it("checks health only when no version path is configured", async () => {
    const transport = appAnswering({ "/healthz": { status: 503, body: "starting" } });
    useHttpTransport(transport);

    const results = await probeInstances(newInstances(1), { port: 8080, healthPath: "/healthz", timeoutMs: 2_000 });

    expect(results).toEqual([{ instanceId: "i-new001", healthStatus: 503 }]);
    expect(transport).toHaveBeenCalledTimes(1);
  });

  it("turns a request error into a failed result instead of throwing", async () => {
    useHttpTransport(async (instance: { id: string }) => {
      if (instance.id === "i-new002") throw new Error("connect ECONNREFUSED 10.0.0.3:8080");
      return { status: 200, body: "v2" };
    });

    const results = await probeInstances(newInstances(3), gate);

    expect(results).toEqual([
      { instanceId: "i-new001", healthStatus: 200, version: "v2" },
      { instanceId: "i-new002", healthStatus: 0, error: "connect ECONNREFUSED 10.0.0.3:8080" },
      { instanceId: "i-new003", healthStatus: 200, version: "v2" },
    ]);
  });
});

describe("readVersion", () => {
  it("reads JSON release or version fields, and plain text trimmed", () => {
    expect(readVersion('{"release":"v2"}')).toBe("v2");
    expect(readVersion('{"version":"v3"}')).toBe("v3");
    expect(readVersion("  3f2c1ab \n")).toBe("3f2c1ab");
  });

  it("keeps a number-like text answer as written", () => {
    expect(readVersion("1.10")).toBe("1.10");
  });
});
