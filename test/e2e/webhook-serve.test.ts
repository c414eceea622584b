import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sign } from "@octokit/webhooks-methods";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listReleases } from "../../functions/aws/releases/release-history.js";
import { parseConfig } from "../../functions/core/config/config.js";
import { closeLocalDynamo } from "../../local/dynamo-session.js";
import { startWebhookServer, type WebhookServer } from "../../local/webhook-server.js";
import example from "../../gantry.config.js";

const secret = "local-test-secret";
const home = mkdtempSync(join(tmpdir(), "gantry-webhook-"));
let server: WebhookServer;

beforeAll(async () => {
  process.env.GANTRY_HOME = home;
  server = await startWebhookServer({ config: parseConfig(example), secret });
});

afterAll(async () => {
  await server.close();
  await closeLocalDynamo();
  rmSync(home, { recursive: true, force: true });
});

const push = JSON.stringify({
  ref: "refs/heads/main",
  before: "0000000000000000000000000000000000000000",
  after: "3f2c1ab9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3",
  deleted: false,
  repository: { full_name: "octo-org/hello", name: "hello" },
  pusher: { name: "octocat" },
  sender: { login: "octocat" },
  head_commit: { id: "3f2c1ab9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3", message: "Ship it" },
});

async function deliver(body: string, signature: string, delivery = "72d3162e-cc78-11e3-81ab-4c9367dc0958") {
  const response = await fetch(server.url, {
    method: "POST",
    headers: { "content-type": "application/json", "x-github-event": "push", "x-github-delivery": delivery, "x-hub-signature-256": signature },
    body,
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe("gantry webhook serve", () => {
  it("deploys a signed push to main end to end and numbers the release", async () => {
    const answer = await deliver(push, await sign(secret, push));

    expect(answer.status).toBe(202);
    expect(answer.body.executionName).toBe("hello-prod-3f2c1ab9e8d7-72d3162e");
    const record = await server.deploys.get("hello-prod-3f2c1ab9e8d7-72d3162e");
    expect(record?.status).toBe("SUCCEEDED");
    const { releases } = await listReleases("hello", "prod");
    expect(releases[0]).toMatchObject({ label: "v1", releaseId: "3f2c1ab9e8d7", status: "deployed", trigger: { source: "github", actor: "octocat" } });
  });

  it("answers a redelivery as already handled and starts nothing", async () => {
    const answer = await deliver(push, await sign(secret, push));

    expect(answer.status).toBe(202);
    expect(answer.body.alreadyHandled).toBe(true);
    expect(server.deploys.size).toBe(1);
  });

  it("rejects a delivery signed with another secret, starting nothing", async () => {
    const answer = await deliver(push, await sign("not-the-secret", push), "another-delivery");

    expect(answer.status).toBe(401);
    expect(server.deploys.size).toBe(1);
  });
});
