import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newActionToken } from "../../console/actions.js";
import { sampleGroup } from "../../console/fleet-samples.js";
import { LiveFeed } from "../../console/live-feed.js";
import { startConsoleServer, type ConsoleServer } from "../../console/server.js";
import { LocalExecutions } from "../../console/sources.js";
import { buildLocalExampleReleases, localConsoleActions } from "../../cli/run/console-actions.js";
import { closeOpened, openLocalDynamo } from "../../cli/lifecycle.js";
import { loadConfigFile } from "../../functions/config/load.js";
import { DEFAULT_STACK_NAME } from "../../functions/core/config/stack-outputs.js";
import { activeCloud } from "../../local/cloud/index.js";
import { ExecutionStore } from "../../local/records.js";
import { fleetChartOf, lastColumn, openBrowser, screenshot } from "./browser.js";
import { EXAMPLE_RELEASES } from "../../local/example-release-ids.js";

const { first: V1, second: V2, failing: V3 } = EXAMPLE_RELEASES;

/** `gantry console --local` in a browser: actions refused without the token, run with it, through the same code as the CLI's. */
describe("console actions, in a browser", () => {
  let home: string;
  let browser: Awaited<ReturnType<typeof openBrowser>> | undefined;
  let page: Page;
  let server: ConsoleServer | undefined;
  const feed = new LiveFeed();
  const token = newActionToken();

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), "gantry-console-actions-"));
    process.env.GANTRY_HOME = home;
    browser = await openBrowser();
    const config = await loadConfigFile("gantry.config.ts");
    await openLocalDynamo();
    await buildLocalExampleReleases();
    const actions = localConsoleActions(config, { config: "gantry.config.ts", stack: DEFAULT_STACK_NAME }, feed);
    server = await startConsoleServer({ source: new LocalExecutions(new ExecutionStore().dir), live: feed, actions, token, port: 0, mode: "local" });
    page = await browser.context.newPage();
    await page.goto(server.url);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    feed.close();
    await closeOpened();
    delete process.env.GANTRY_HOME;
    rmSync(home, { recursive: true, force: true });
  });

  async function act(action: "deploy" | "rollback", fields: Record<string, string>): Promise<string> {
    const form = page.locator(`form[data-action="${action}"]`);
    for (const [name, value] of Object.entries(fields)) await form.locator(`[name="${name}"]`).selectOption(value);
    await form.locator("button").click();
    await page.locator("#action-result.accepted, #action-result.refused").waitFor();
    return (await page.locator("#action-result").textContent()) ?? "";
  }

  async function ended(release: string, status: "SUCCEEDED" | "FAILED"): Promise<void> {
    await page.locator("#executions tr", { hasText: release }).filter({ hasText: status }).first().waitFor({ timeout: 30_000 });
    await page.locator("#facts", { hasText: status }).waitFor();
  }

  it("offers deploy and rollback, and no button for an action that does not exist", async () => {
    const forms = await page.locator("form[data-action]").evaluateAll((nodes) => nodes.map((node) => node.getAttribute("data-action")));

    expect(forms).toEqual(["deploy", "rollback"]);
    expect(await page.locator("button", { hasText: /approve|reject|abort/i }).count()).toBe(0);
    expect(await page.locator("#access").textContent()).toBe("read-only");
  });

  it("refuses a deploy without the token, visibly, and starts nothing", async () => {
    const said = await act("deploy", { release: V2 });

    expect(said).toBe("403: Refused: deploy needs the action token that gantry console printed when it started (read-only without it).");
    expect(await page.locator("#action-result").getAttribute("class")).toBe("refused");
    expect(await page.locator("#no-executions").isVisible()).toBe(true);
    await screenshot(page, "5-actions-refused-without-token");
  });

  it("deploys with the token, as gantry deploy --local does, and charts the group as the local cloud has it", async () => {
    await page.locator("#token").fill(token);
    expect(await page.locator("#access").textContent()).toBe("actions enabled");

    expect(await act("deploy", { release: V1 })).toMatch(new RegExp(`^deploy of ${V1} to hello/prod started: hello-prod-${V1}-`));
    await ended(V1, "SUCCEEDED");
    expect(await act("deploy", { release: V2 })).toMatch(new RegExp(`^deploy of ${V2} to hello/prod started: hello-prod-${V2}-`));
    await ended(V2, "SUCCEEDED");

    expect(await page.locator("#facts").textContent()).toContain("started by cli by");
    await page.locator("#fleet-note", { hasText: "watched live" }).waitFor();
    const chart = await fleetChartOf(page);
    const cloud = sampleGroup(activeCloud().snapshot("hello-prod"), 0);
    expect(lastColumn(chart as NonNullable<typeof chart>)).toEqual({ ...cloud.counts, serving: cloud.serving });
    expect(cloud.counts).toEqual({ [`${V2} InService`]: 4 });
    await screenshot(page, "6-actions-deployed-second");
  });

  it("shows a deploy that failed its gate as rolled back, with its cause", async () => {
    await act("deploy", { release: V3 });
    await ended(V3, "FAILED");

    expect(await page.locator("#cause").textContent()).toMatch(
      new RegExp(`^DeployRolledBack: Deploy of ${V3} to hello/prod failed in batch 1 of 4 and was rolled back to ${V1}\\.`),
    );
  });

  it("rolls back with the token to the release before the current one", async () => {
    const said = await act("rollback", {});
    expect(said).toMatch(new RegExp(`^rollback of hello/prod started: hello-prod-${V1}-`));
    const name = said.split(": ").at(-1) ?? "";
    await page.locator("#executions tr", { hasText: name }).filter({ hasText: "SUCCEEDED" }).waitFor({ timeout: 30_000 });
    await page.locator("#title", { hasText: name }).waitFor();
    await page.locator("#facts", { hasText: "SUCCEEDED" }).waitFor();

    expect(await page.locator("#facts").textContent()).toMatch(/started by rollback by .* \(to v1\)/);
    const cloud = sampleGroup(activeCloud().snapshot("hello-prod"), 0);
    expect(cloud.counts).toEqual({ [`${V1} InService`]: 4 });
    const chart = await fleetChartOf(page);
    expect(lastColumn(chart as NonNullable<typeof chart>)).toEqual({ ...cloud.counts, serving: cloud.serving });
    await screenshot(page, "7-actions-rolled-back");
  });
});
