import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { startLoad } from "../../../local/load/index.js";

let server: Server | undefined;

afterEach(async () => {
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = undefined;
});

/** Answers 200, except every third request 500 when `failing`. */
async function target(failing = false): Promise<string> {
  let n = 0;
  server = createServer((_req, res) => {
    n++;
    const status = failing && n % 3 === 0 ? 500 : 200;
    res.writeHead(status).end(status === 200 ? "ok" : "boom");
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("startLoad", () => {
  it("sends requests at the asked rate and counts every answer", async () => {
    const load = startLoad({ url: await target(), ratePerSecond: 100, concurrency: 10 });

    await sleep(500);
    const report = await load.stop();

    expect(report.total).toBeGreaterThanOrEqual(30);
    expect(report.total).toBeLessThanOrEqual(55);
    expect(report).toMatchObject({ failed: 0, byStatus: { "200": report.total }, errors: [], inFlight: 0 });
  });

  it("counts non-2xx answers and connection errors as failures, keeping their messages", async () => {
    const load = startLoad({ url: await target(true), ratePerSecond: 60, concurrency: 5 });
    await sleep(300);
    server!.closeAllConnections();
    await new Promise((resolve) => server!.close(resolve));
    server = undefined;
    await sleep(100);

    const report = await load.stop();

    expect(report.byStatus["500"]).toBeGreaterThan(0);
    expect(report.byStatus["error"]).toBeGreaterThan(0);
    expect(report.failed).toBe(report.byStatus["500"]! + report.byStatus["error"]!);
    expect(report.errors).toContain("500: boom");
    expect(report.errors.some((e) => e.includes("ECONNREFUSED"))).toBe(true);
  });

  it("rejects a URL that is not on 127.0.0.1", () => {
    expect(() => startLoad({ url: "http://example.com/", ratePerSecond: 1, concurrency: 1 })).toThrow(/only targets http:\/\/127.0.0.1/);
    expect(() => startLoad({ url: "https://127.0.0.1/", ratePerSecond: 1, concurrency: 1 })).toThrow(/only targets/);
    expect(() => startLoad({ url: "not a url", ratePerSecond: 1, concurrency: 1 })).toThrow(/needs an http:\/\/127.0.0.1 URL/);
  });

  it("rejects a rate or concurrency that cannot send anything", () => {
    expect(() => startLoad({ url: "http://127.0.0.1:1/", ratePerSecond: 0, concurrency: 1 })).toThrow(/ratePerSecond must be > 0/);
    expect(() => startLoad({ url: "http://127.0.0.1:1/", ratePerSecond: 5, concurrency: 0.5 })).toThrow(/concurrency must be a whole number/);
  });
});
