import { get, type ClientRequest } from "node:http";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as z from "zod";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ActionBusyError, tokenMatches, type ConsoleAction } from "../../console/actions.js";
import { LiveFeed } from "../../console/live-feed.js";
import { startConsoleServer, type ConsoleServer } from "../../console/server.js";
import { LocalExecutions } from "../../console/sources.js";
import type { ExecutionRecord } from "../../functions/core/executions/execution-record.js";
import { ExecutionStore } from "../../local/records.js";

const TOKEN = "the-token-printed-at-start-up";

function record(name: string, overrides: Partial<ExecutionRecord> = {}): ExecutionRecord {
  return {
    name,
    status: "RUNNING",
    startedAt: 1_000_000,
    input: { release: { id: "v2" }, trigger: { source: "cli", actor: "ana" } },
    historyEvents: 3,
    transitions: 2,
    maxPayloadBytes: 100,
    steps: [{ state: "Plan rollout", type: "Task", enteredAt: 1_000_000 }],
    ...overrides,
  };
}

/** An EventSource stand-in: every event the server sent, and a way to wait for one. */
function listen(url: string) {
  const events: { event: string; data: unknown }[] = [];
  const waiters: (() => void)[] = [];
  let buffer = "";
  let request: ClientRequest | undefined;
  const opened = new Promise<void>((resolve, reject) => {
    request = get(url, (response) => {
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => {
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event && data !== undefined) events.push({ event, data: JSON.parse(data) });
        }
        for (const waiter of waiters.splice(0)) waiter();
      });
      resolve();
    });
    request.on("error", reject);
  });
  const until = async (event: string, test: (data: unknown) => boolean = () => true, timeoutMs = 5_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = events.find((candidate) => candidate.event === event && test(candidate.data));
      if (found) return found.data;
      if (Date.now() > deadline) throw new Error(`No "${event}" event in ${timeoutMs} ms; got ${events.map((one) => one.event).join(", ")}`);
      await new Promise<void>((resolve) => {
        waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  };
  return { opened, events, until, close: () => request?.destroy() };
}

async function post(url: string, body: unknown, headers: Record<string, string> = {}, type = "application/json") {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": type, ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as { message?: string; error?: string } };
}

async function eventually(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("console server", () => {
  let home: string;
  let store: ExecutionStore;
  let feed: LiveFeed;
  let server: ConsoleServer;
  let started: string[];
  let busy: boolean;

  beforeEach(async () => {
    home = mkdtempSync(join(tmpdir(), "gantry-console-"));
    store = new ExecutionStore(home);
    feed = new LiveFeed();
    started = [];
    busy = false;
    const deploy: ConsoleAction<{ release: string }> = {
      name: "deploy",
      label: "Deploy",
      description: "starts a deploy",
      fields: [{ name: "release", label: "release", choices: ["v1", "v2"] }],
      input: z.strictObject({ release: z.enum(["v1", "v2"]) }),
      run: async (input) => {
        if (busy) throw new ActionBusyError("Refused: a deploy is still running.");
        started.push(input.release);
        return `deploy of ${input.release} started`;
      },
    };
    server = await startConsoleServer({
      source: new LocalExecutions(store.dir),
      live: feed,
      actions: [deploy as unknown as ConsoleAction],
      token: TOKEN,
      port: 0,
      mode: "local",
      pollMs: 50,
    });
  });

  afterEach(async () => {
    await server.close();
    feed.close();
    rmSync(home, { recursive: true, force: true });
  });

  it("sends the list and the open execution, then each change, without a reload", async () => {
    store.save(record("hello-prod-v2-a"));
    const stream = listen(`${server.url}events?execution=hello-prod-v2-a`);
    await stream.opened;

    const list = (await stream.until("executions")) as { name: string; status: string }[];
    expect(list.map((execution) => [execution.name, execution.status])).toEqual([["hello-prod-v2-a", "RUNNING"]]);
    const view = (await stream.until("execution")) as { summary: { currentState: string }; trigger: string };
    expect(view).toMatchObject({ summary: { currentState: "Plan rollout" }, trigger: "cli by ana" });

    // Another process moves the execution on: the poll notices its record changed.
    store.save(
      record("hello-prod-v2-a", {
        status: "FAILED",
        stoppedAt: 1_060_000,
        error: "DeployRolledBack",
        cause: "Deploy of v2 to hello/prod failed in batch 1 of 2 and was rolled back to v1.",
        steps: [
          { state: "Plan rollout", type: "Task", enteredAt: 1_000_000, exitedAt: 1_001_000 },
          { state: "Deploy rolled back", type: "Fail", enteredAt: 1_060_000 },
        ],
      }),
    );
    const failed = (await stream.until("execution", (data) => (data as { summary: { status: string } }).summary.status === "FAILED")) as {
      summary: { cause: string; currentState: string };
    };
    expect(failed.summary).toMatchObject({ currentState: "Deploy rolled back", cause: expect.stringContaining("rolled back to v1") });
    stream.close();
  });

  it("sends a change seen in this process at once, and leaves no timer, listener or stream behind when the tab closes", async () => {
    store.save(record("hello-prod-v2-b"));
    const stream = listen(`${server.url}events?execution=hello-prod-v2-b`);
    await stream.opened;
    await stream.until("execution");
    expect(server.hub.subscribers()).toBe(1);
    expect(server.hub.active()).toBe(true);
    expect(feed.listenerCount()).toBe(1);

    const fleet = {
      cloud: { snapshot: () => ({ desiredCapacity: 5, serving: 5, instances: [{ release: "v2", lifecycle: "InService" }] }) },
      clock: { now: () => 1_030_000 },
      groupName: "hello-prod",
    };
    const observe = feed.watchDeploy("hello-prod-v2-b", fleet, 60_000);
    const watched = (await stream.until("execution", (data) => (data as { fleet: { source: string } }).fleet.source === "watched")) as {
      fleet: { labels: string[]; data: number[][] };
    };
    // No plan yet, so no floor to draw.
    expect(watched.fleet.labels).toEqual(["v2 InService", "serving"]);
    expect(watched.fleet.data[1]).toEqual([1]);
    observe({ kind: "entered", step: { state: "Deployed", type: "Succeed", enteredAt: 1_040_000 } });
    expect(feed.timerCount()).toBe(0);

    stream.close();
    await eventually(() => server.hub.subscribers() === 0, "the hub to drop the closed stream");
    expect(server.hub.active()).toBe(false);
    expect(feed.listenerCount()).toBe(0);
  });

  it("refuses an action without the token, or with a wrong one, with 403 and says why", async () => {
    const without = await post(`${server.url}api/actions/deploy`, { release: "v2" });
    const wrong = await post(`${server.url}api/actions/deploy`, { release: "v2" }, { "x-gantry-token": `${TOKEN}x` });
    const wrongField = await post(`${server.url}api/actions/deploy`, `release=v2&token=nope`, {}, "application/x-www-form-urlencoded");

    for (const answer of [without, wrong, wrongField]) {
      expect(answer.status).toBe(403);
      expect(answer.body.error).toMatch(/needs the action token/);
    }
    expect(started).toEqual([]);
  });

  it("runs an action with the token in the header or in a form field", async () => {
    const byHeader = await post(`${server.url}api/actions/deploy`, { release: "v2" }, { "x-gantry-token": TOKEN });
    const byField = await post(`${server.url}api/actions/deploy`, `release=v1&token=${TOKEN}`, {}, "application/x-www-form-urlencoded");

    expect(byHeader).toEqual({ status: 202, body: { message: "deploy of v2 started" } });
    expect(byField).toEqual({ status: 202, body: { message: "deploy of v1 started" } });
    expect(started).toEqual(["v2", "v1"]);
  });

  it("rejects an action input it does not accept, an action it does not offer, and one while busy", async () => {
    const headers = { "x-gantry-token": TOKEN };
    const badRelease = await post(`${server.url}api/actions/deploy`, { release: "v9" }, headers);
    const unknown = await post(`${server.url}api/actions/approve`, {}, headers);
    busy = true;
    const whileBusy = await post(`${server.url}api/actions/deploy`, { release: "v2" }, headers);

    expect(badRelease.status).toBe(400);
    expect(badRelease.body.error).toContain('release "v9" is not accepted');
    expect(unknown).toEqual({ status: 404, body: { error: 'No action "approve" here; this console offers: deploy.' } });
    expect(whileBusy).toEqual({ status: 409, body: { error: "Refused: a deploy is still running." } });
    expect(started).toEqual([]);
  });

  it("lists only the actions it offers, for the page to draw", async () => {
    const info = (await (await fetch(`${server.url}api/console`)).json()) as { actions: { name: string }[]; mode: string };

    expect(info.mode).toBe("local");
    expect(info.actions.map((action) => action.name)).toEqual(["deploy"]);
  });

  it("answers only to its own host name, so a rebinding page elsewhere cannot read it", async () => {
    const answer = await new Promise<number>((resolve, reject) => {
      get(`${server.url}api/executions`, { headers: { host: `evil.example:${server.port}` } }, (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      }).on("error", reject);
    });

    expect(answer).toBe(421);
  });

  it("serves the page and the chart library from this machine", async () => {
    const page = await fetch(server.url);
    const uplot = await fetch(`${server.url}static/uplot.js`);

    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<script src="/static/uplot.js"></script>');
    expect(uplot.status).toBe(200);
    expect(await uplot.text()).toContain("uPlot");
  });
});

describe("action token", () => {
  it("matches only the exact token", () => {
    expect(tokenMatches(TOKEN, TOKEN)).toBe(true);
    expect(tokenMatches(`${TOKEN} `, TOKEN)).toBe(false);
    expect(tokenMatches("short", TOKEN)).toBe(false);
    expect(tokenMatches(undefined, TOKEN)).toBe(false);
    expect(tokenMatches("", TOKEN)).toBe(false);
  });
});
