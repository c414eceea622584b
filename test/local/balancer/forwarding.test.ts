import { once } from "node:events";
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { startBalancer, type Balancer, type TargetAddresses, type TargetHealthSource } from "../../../local/balancer/index.js";
import { LocalCloud } from "../../../local/cloud/index.js";
import { httpGet } from "../../../local/process/index.js";

const servers: Server[] = [];
let balancer: Balancer | undefined;

afterEach(async () => {
  await balancer?.close();
  balancer = undefined;
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

/** A target that echoes what it received, as JSON. */
async function echoTarget(name: string): Promise<number> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      res.writeHead(200, { "content-type": "application/json", "x-served-by": name });
      res.end(JSON.stringify({ name, method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks).toString() }));
    });
  });
  servers.push(server);
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return (server.address() as AddressInfo).port;
}

/** A port on which nothing listens any more: connecting to it is refused. */
async function refusingPort(): Promise<number> {
  const server = createServer().listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A fixed routing table: every listed target is routable, at the given port. */
function fakeTargets(ports: Record<string, number>): { cloud: TargetHealthSource; driver: TargetAddresses } {
  return {
    cloud: { routableTargets: () => Object.keys(ports) },
    driver: { addressOf: (id) => (ports[id] === undefined ? undefined : { host: "127.0.0.1", port: ports[id] }) },
  };
}

function post(port: number, path: string, body: string): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: "127.0.0.1", port, path, method: "POST", agent: false, headers: { "content-type": "text/plain", "x-request-id": "abc-123" } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

describe("startBalancer forwarding", () => {
  it("passes method, path, query, headers and body through, and adds X-Forwarded-*", async () => {
    balancer = await startBalancer({ ...fakeTargets({ a: await echoTarget("a") }), targetGroupArn: "tg" });

    const answer = await post(balancer.port, "/orders?id=7", "hello body");

    const echoed = JSON.parse(answer.body) as { method: string; url: string; body: string; headers: Record<string, string> };
    expect(answer.status).toBe(200);
    expect(answer.headers["x-served-by"]).toBe("a");
    expect(echoed).toMatchObject({ method: "POST", url: "/orders?id=7", body: "hello body" });
    expect(echoed.headers).toMatchObject({
      "x-request-id": "abc-123",
      "x-forwarded-for": "127.0.0.1",
      "x-forwarded-proto": "http",
      "x-forwarded-port": String(balancer.port),
    });
  });

  it("sends a request on to another target when the chosen one refuses the connection", async () => {
    balancer = await startBalancer({ ...fakeTargets({ dead: await refusingPort(), live: await echoTarget("live") }), targetGroupArn: "tg" });
    const address = { host: "127.0.0.1", port: balancer.port };

    const answers = await Promise.all(Array.from({ length: 6 }, () => httpGet(address, "/", 2000)));

    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(balancer.stats()).toMatchObject({ proxied: { live: 6 }, balancerErrors: 0 });
    expect(balancer.stats().retries).toBeGreaterThan(0);
  });

  it("fails with 502 when every routable target refuses the connection", async () => {
    balancer = await startBalancer({ ...fakeTargets({ a: await refusingPort(), b: await refusingPort() }), targetGroupArn: "tg" });

    const answer = await httpGet({ host: "127.0.0.1", port: balancer.port }, "/", 2000);

    expect(answer.status).toBe(502);
    expect(answer.body).toContain("target failed before answering (connect ECONNREFUSED");
  });

  it("answers 503 when the target group has no routable target", async () => {
    balancer = await startBalancer({ ...fakeTargets({}), targetGroupArn: "arn:tg/empty" });

    const answer = await httpGet({ host: "127.0.0.1", port: balancer.port }, "/", 2000);

    expect(answer).toEqual({ status: 503, body: "503 Service Unavailable: no healthy target in arn:tg/empty.\n" });
  });

  it("rejects a target group the local cloud does not know, at start", async () => {
    const cloud = new LocalCloud();

    await expect(
      startBalancer({
        cloud,
        targetGroupArn: "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/nope/1",
        driver: { addressOf: () => undefined },
      }),
    ).rejects.toThrow(/No target group arn:aws:elasticloadbalancing:.*nope\/1 in this local cloud/);
  });

  it("waits until the given targets are routable, and rejects naming those that never are", async () => {
    balancer = await startBalancer({ ...fakeTargets({ a: await echoTarget("a") }), targetGroupArn: "tg" });

    await balancer.waitUntilRoutable(["a"], 100);
    await expect(balancer.waitUntilRoutable(["a", "b"], 100)).rejects.toThrow("Not routable after 100 ms: b.");
  });

  it("stops listening on close", async () => {
    const started = await startBalancer({ ...fakeTargets({}), targetGroupArn: "tg" });

    await started.close();
    await started.close();

    await expect(httpGet({ host: "127.0.0.1", port: started.port }, "/", 1000)).rejects.toMatchObject({ code: "ECONNREFUSED" });
  });
});
