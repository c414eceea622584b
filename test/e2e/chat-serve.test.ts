import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createHmac } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const bin = join(import.meta.dirname, "../../bin/gantry.mjs");
const secret = "local-chat-signing-secret";
/** The member and channel the example gantry.config.ts allows. */
const MEMBER = "U024BE7LH";
const CHANNEL = "C2147483705";
const home = mkdtempSync(join(tmpdir(), "gantry-chat-"));

let gantry: ChildProcess;
let stdout = "";
let chatUrl = "";
let slack: Server;
let responseUrl = "";
const posted: Record<string, unknown>[] = [];
const waiters: (() => void)[] = [];

/** Resolves once `test` holds, checking on every output line or post. */
function until(test: () => boolean, what: string, ms = 60_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${what} within ${ms / 1000} s; gantry printed:\n${stdout}`)), ms);
    const check = (): void => {
      if (!test()) {
        waiters.push(check);
        return;
      }
      clearTimeout(timer);
      resolve();
    };
    check();
  });
}
const wake = () => waiters.splice(0).forEach((waiter) => waiter());

beforeAll(async () => {
  slack = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      posted.push(JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown>);
      response.writeHead(200).end("ok");
      wake();
    });
  });
  await new Promise<void>((resolve) => slack.listen(0, "127.0.0.1", resolve));
  responseUrl = `http://127.0.0.1:${(slack.address() as AddressInfo).port}/commands/T0001/1/x`;

  // A local deploy takes only a built release: build the one the test deploys into this home's local store first.
  const build = join(home, "build");
  spawnSync(process.execPath, [join(import.meta.dirname, "../../examples/hello-app/build.mjs"), "b7d2e4f01c68", build], { encoding: "utf8" });
  const created = spawnSync(process.execPath, [bin, "release", "create", "hello", "prod", "--dir", build, "--release", "b7d2e4f01c68", "--local"], {
    env: { ...process.env, GANTRY_HOME: home, NO_COLOR: "1" },
    encoding: "utf8",
  });
  expect(created.status, created.stderr).toBe(0);

  gantry = spawn(process.execPath, [bin, "chat", "serve", "--local", "--port", "0"], {
    env: { ...process.env, GANTRY_HOME: home, GANTRY_SLACK_SIGNING_SECRET: secret, NO_COLOR: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  gantry.stdout?.on("data", (chunk: Buffer) => {
    stdout += chunk.toString("utf8");
    wake();
  });
  gantry.stderr?.on("data", (chunk: Buffer) => {
    stdout += chunk.toString("utf8");
    wake();
  });
  await until(() => /listening on (http:\/\/127\.0\.0\.1:\d+\/)/.test(stdout), "listening line");
  chatUrl = /listening on (http:\/\/127\.0\.0\.1:\d+\/)/.exec(stdout)?.[1] ?? "";
}, 90_000);

afterAll(async () => {
  if (gantry.exitCode === null) {
    const exited = new Promise((resolve) => gantry.once("exit", resolve));
    gantry.kill("SIGTERM");
    await exited;
  }
  await new Promise<void>((resolve) => slack.close(() => resolve()));
  rmSync(home, { recursive: true, force: true });
});

/** A slash command signed as Slack signs it, with the signature computed here. */
async function slash(text: string, options: { secret?: string } = {}) {
  const body = new URLSearchParams({
    command: "/gantry",
    text,
    user_id: MEMBER,
    user_name: "steve",
    channel_id: CHANNEL,
    response_url: responseUrl,
  }).toString();
  const timestamp = String(Math.floor(Date.now() / 1000));
  const signature = `v0=${createHmac("sha256", options.secret ?? secret)
    .update(`v0:${timestamp}:${body}`)
    .digest("hex")}`;
  const response = await fetch(chatUrl, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", "x-slack-request-timestamp": timestamp, "x-slack-signature": signature },
    body,
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe("gantry chat serve", () => {
  it("answers a signed deploy at once, runs the deploy locally, and posts the started execution to response_url", async () => {
    const answer = await slash("deploy hello prod b7d2e4f01c68");

    expect(answer).toEqual({ status: 200, body: { response_type: "ephemeral", text: "Working on it: deploying b7d2e4f01c68 to hello/prod…" } });
    await until(() => posted.length === 1, "post to response_url");
    const text = String(posted[0]?.text);
    expect(posted[0]?.response_type).toBe("in_channel");
    expect(text).toMatch(
      /^<@U024BE7LH> started a deploy of b7d2e4f01c68 to hello\/prod: `hello-prod-b7d2e4f01c68-[0-9a-z]+`\nSee it with `gantry history --local hello-prod-b7d2e4f01c68-[0-9a-z]+`$/,
    );
    const name = /`(hello-prod-b7d2e4f01c68-[0-9a-z]+)`/.exec(text)?.[1] ?? "";
    await until(() => stdout.includes(`${name} SUCCEEDED`), "the local deploy's end");
    expect(stdout).toContain(`• ${name}`);
    expect(stdout).toContain("→ Finish rollout");
  }, 90_000);

  it("posts the status of the deploy it ran: the release now running and the execution", async () => {
    const answer = await slash("status hello prod");

    expect(answer.status).toBe(200);
    await until(() => posted.length === 2, "status post");
    expect(posted[1]?.text).toMatch(
      /^hello\/prod runs v1 \(b7d2e4f01c68\)\.\nLatest execution `hello-prod-b7d2e4f01c68-[0-9a-z]+`: \*SUCCEEDED\* \(release b7d2e4f01c68, slack by steve \(U024BE7LH\), started .*, ended .*\)\nSee it with/,
    );
  }, 60_000);

  it("runs a deploy of a release never built into the local store to its refusal at the plan, like any local deploy", async () => {
    const answer = await slash("deploy hello prod 0123456789ab");

    expect(answer.status).toBe(200);
    await until(() => posted.length === 3, "post to response_url");
    const name = /`(hello-prod-0123456789ab-[0-9a-z]+)`/.exec(String(posted[2]?.text))?.[1] ?? "?";
    await until(() => stdout.includes(`${name} FAILED`), "the refused deploy's end");
    expect(stdout).toContain(
      `${name} FAILED: Release 0123456789ab of hello/prod is not built: s3://gantry-releases/hello/prod/0123456789ab/manifest.json does not exist; build it with: gantry release create hello prod --ref 0123456789ab`,
    );
  }, 60_000);

  it("refuses a request signed with another secret with 401, and posts nothing", async () => {
    const answer = await slash("deploy hello prod b7d2e4f01c68", { secret: "not it" });

    expect(answer).toEqual({ status: 401, body: { error: expect.stringMatching(/^X-Slack-Signature does not match the body/) as string } });
    expect(posted).toHaveLength(3);
  });
});
