import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";

const CHROMIUM = "/usr/bin/chromium";

/** Where the tests leave their screenshots, for a person to look at. */
export const SCREENSHOTS = process.env.GANTRY_SCREENSHOT_DIR ?? join(tmpdir(), "gantry-console-screenshots");

/**
 * Debian's chromium, headless, in a fresh profile. A machine without it fails here, saying how
 * to install it: a browser test that skipped itself would pass without having looked at anything.
 */
export async function openBrowser(): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  if (!existsSync(CHROMIUM)) throw new Error(`No browser at ${CHROMIUM}: install Debian's chromium with: apt-get install -y chromium`);
  const profile = mkdtempSync(join(tmpdir(), "gantry-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1400, height: 1000 },
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  mkdirSync(SCREENSHOTS, { recursive: true });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Saves what the page shows now under SCREENSHOTS. */
export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: false });
}

/** What the page's fleet chart was last given. */
export interface PageChart {
  labels: string[];
  data: number[][];
  source: string;
}

export function fleetChartOf(page: Page): Promise<PageChart | undefined> {
  return page.evaluate(() => (globalThis as unknown as { gantryConsole: { charts: { fleet?: PageChart } } }).gantryConsole.charts.fleet);
}

/** The chart's last column as counts by label ("v2 InService": 4, serving: 4, …): zero series and the floor left out. */
export function lastColumn(chart: PageChart): Record<string, number> {
  return Object.fromEntries(
    chart.labels
      .map((label, index) => [label, chart.data[index + 1]?.at(-1) ?? 0] as const)
      .filter(([label, count]) => label !== "capacity floor" && (count > 0 || label === "serving")),
  );
}
