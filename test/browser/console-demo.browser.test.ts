import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fleetChart, sampleGroup } from "../../console/fleet-samples.js";
import { LiveFeed } from "../../console/live-feed.js";
import { watchDemo } from "../../console/local-watch.js";
import { startConsoleServer, type ConsoleServer } from "../../console/server.js";
import { LocalExecutions } from "../../console/sources.js";
import { closeLocalDynamo } from "../../local/dynamo-session.js";
import { Demo, type DemoSummary } from "../../local/demo.js";
import type { LocalFleet } from "../../local/scenario.js";
import { ExecutionStore } from "../../local/records.js";
import { fleetChartOf, lastColumn, openBrowser, screenshot } from "./browser.js";
import { EXAMPLE_RELEASES } from "../../local/example-release-ids.js";

const { first: V1, second: V2, failing: V3 } = EXAMPLE_RELEASES;

/**
 * The console open during the demo: real app processes behind the local load balancer under
 * traffic, a deploy of v2 that succeeds and one of v3 that rolls back, watched in Chromium.
 */
describe("console during the demo, in a browser", () => {
  let home: string;
  let browser: Awaited<ReturnType<typeof openBrowser>> | undefined;
  let page: Page;
  let server: ConsoleServer;
  const feed = new LiveFeed();
  let demo: Demo | undefined;
  let fleet: LocalFleet | undefined;
  let finished: Promise<DemoSummary>;
  const names = new Map<string, string>();

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), "gantry-console-demo-"));
    process.env.GANTRY_HOME = home;
    browser = await openBrowser();
    server = await startConsoleServer({
      source: new LocalExecutions(new ExecutionStore().dir),
      live: feed,
      actions: [],
      token: "unused",
      port: 0,
      mode: "demo",
    });
    page = await browser.context.newPage();
    await page.goto(server.url);
    const watch = watchDemo(feed);
    demo = new Demo({
      onStarted: (running) => {
        fleet = running.fleet;
        watch.onStarted(running);
      },
      onDeployStart: (release, execution) => {
        names.set(release, execution);
        watch.onDeployStart(release, execution);
      },
      onEvent: watch.onEvent,
    });
    finished = demo.run().finally(() => watch.stop());
  });

  afterAll(async () => {
    await demo?.shutdown();
    await browser?.close();
    await server?.close();
    feed.close();
    await closeLocalDynamo();
    delete process.env.GANTRY_HOME;
    rmSync(home, { recursive: true, force: true });
  });

  it("lists the good release's deploy as running and opens it", async () => {
    const running = page.locator("#executions tr", { hasText: "RUNNING" });
    await running.first().waitFor({ timeout: 60_000 });

    expect(await running.first().textContent()).toContain(V2);
    await page.locator("#facts", { hasText: "RUNNING" }).waitFor();
    expect(await page.locator("#title").textContent()).toBe(names.get(V2));
    await screenshot(page, "1-demo-second-running");
  });

  it("shows the states advancing and the chart following the local cloud's fleet, without a reload", async () => {
    const seen: string[] = [];
    const stepCounts: number[] = [];
    let matchedMixed = 0;
    let shotMixed = false;
    for (;;) {
      const view = await page.evaluate(
        () =>
          (
            globalThis as unknown as {
              gantryConsole: { state: { view?: { summary: { name: string; status: string; currentState: string }; steps: unknown[] } } };
            }
          ).gantryConsole.state.view,
      );
      if (!view || view.summary.name !== names.get(V2) || view.summary.status !== "RUNNING") break;
      if (seen.at(-1) !== view.summary.currentState) seen.push(view.summary.currentState);
      stepCounts.push(view.steps.length);
      const chart = await fleetChartOf(page);
      if (chart && fleet) {
        const cloud = sampleGroup(fleet.cloud.snapshot(fleet.groupName), 0);
        const page = lastColumn(chart);
        const mixed = (page[`${V1} InService`] ?? 0) > 0 && (page[`${V2} InService`] ?? 0) > 0;
        if (mixed && JSON.stringify(sorted(page)) === JSON.stringify(sorted({ ...cloud.counts, serving: cloud.serving }))) matchedMixed++;
      }
      if (matchedMixed > 0 && !shotMixed) {
        shotMixed = true;
        await screenshot(page, "2-demo-second-mid-deploy");
      }
      await page.waitForTimeout(100);
    }

    expect(new Set(seen).size).toBeGreaterThanOrEqual(3);
    expect(stepCounts.at(-1)).toBeGreaterThan(stepCounts[0] ?? 0);
    // The page showed, live, the very mix of v1 and v2 instances the local cloud had at that moment.
    expect(matchedMixed).toBeGreaterThan(0);
  });

  it("shows the failing release's rollback with its cause and the failed gate's evidence", async () => {
    await page.locator("#facts", { hasText: "FAILED" }).waitFor({ timeout: 60_000 });

    expect(await page.locator("#title").textContent()).toBe(names.get(V3));
    const cause = await page.locator("#cause").textContent();
    expect(cause).toContain(`DeployRolledBack: Deploy of ${V3} to hello/prod failed in batch 1 of 2 and was rolled back to ${V2}.`);
    expect(cause).toContain("Target.ResponseCodeMismatch");
    expect(await page.locator("#gates").textContent()).toMatch(/batch 1 · new instances: targets 0\/2 healthy/);
    await screenshot(page, "3-demo-failing-rolled-back");
  });

  it("charts the traffic through the load balancer with no failed request", async () => {
    const summary = await finished;

    expect(summary.ok).toBe(true);
    await page.locator("#traffic-note", { hasText: "0 failed" }).waitFor();
    const traffic = await page.evaluate(
      () =>
        (globalThis as unknown as { gantryConsole: { charts: { traffic?: { data: number[][]; total: number; failed: number } } } }).gantryConsole.charts
          .traffic,
    );
    expect(traffic?.failed).toBe(0);
    expect(traffic?.total).toBeGreaterThan(0);
    expect(Math.max(...(traffic?.data[1] ?? [0]))).toBeGreaterThan(0);
  });

  it("shows the good release's whole fleet chart as the console sampled it from the local cloud, never under the floor", async () => {
    await page.locator("#executions tr", { hasText: names.get(V2) ?? "?" }).click();
    await page.locator("#facts", { hasText: "SUCCEEDED" }).waitFor();

    const chart = await fleetChartOf(page);
    const record = new ExecutionStore().lookup(names.get(V2) ?? "").record;
    const sampled = fleetChart(feed.fleetOf(names.get(V2) ?? "") ?? [], record?.startedAt ?? 0, 4);
    expect(chart?.labels).toEqual(sampled.labels);
    expect(chart?.data).toEqual(sampled.data);
    const serving = chart?.data[(chart?.labels.indexOf("serving") ?? 0) + 1] ?? [];
    expect(Math.min(...serving)).toBeGreaterThanOrEqual(4);
    expect(Math.max(...serving)).toBe(6);
    expect(lastColumn(chart as NonNullable<typeof chart>)).toEqual({ [`${V2} InService`]: 4, serving: 4 });
    await screenshot(page, "4-demo-second-succeeded");
  });

  it("costs the server nothing once the tab is closed", async () => {
    expect(server.hub.subscribers()).toBe(1);

    await page.close();
    const deadline = Date.now() + 5_000;
    while (server.hub.subscribers() > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));

    expect(server.hub.subscribers()).toBe(0);
    expect(server.hub.active()).toBe(false);
    expect(feed.listenerCount()).toBe(0);
    expect(feed.timerCount()).toBe(0);
  });
});

function sorted(counts: Record<string, number>): [string, number][] {
  return Object.entries(counts).sort(([a], [b]) => a.localeCompare(b));
}
