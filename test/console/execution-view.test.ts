import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { executionView } from "../../console/execution-view.js";
import { LiveFeed } from "../../console/live-feed.js";
import { watchLocalDeploy } from "../../console/local-watch.js";
import { deployLocally, type LocalDeployResult } from "../../local/local-deploy.js";
import { EXAMPLE_RELEASES } from "../../local/example-release-ids.js";

describe("execution view", () => {
  let home: string;
  let rolledBack: LocalDeployResult;
  const feed = new LiveFeed();

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), "gantry-view-"));
    process.env.GANTRY_HOME = home;
    const watcher = watchLocalDeploy(feed);
    rolledBack = await deployLocally({
      app: "hello",
      env: "prod",
      release: EXAMPLE_RELEASES.failing,
      instances: 4,
      from: EXAMPLE_RELEASES.second,
      strategy: { batches: ["50%"], bakeSeconds: 10, minHealthyPercent: 100, retire: "standby" },
      trigger: { source: "cli", actor: "ana" },
      onStart: watcher.onStart,
      onEvent: watcher.onEvent,
    });
  });

  afterAll(() => {
    delete process.env.GANTRY_HOME;
    feed.close();
    rmSync(home, { recursive: true, force: true });
  });

  it("shows the cause, the floor and the failed gate's evidence of a rolled-back deploy", () => {
    const view = executionView(rolledBack.record, {}, rolledBack.record.stoppedAt ?? 0);

    expect(view.summary).toMatchObject({
      status: "FAILED",
      error: "DeployRolledBack",
      cause: expect.stringContaining(`rolled back to ${EXAMPLE_RELEASES.second}`),
    });
    expect(view.floor).toBe(4);
    expect(view.trigger).toBe("cli by ana");
    const gate = view.gates.at(-1);
    expect(gate).toMatchObject({ batch: 1, phase: "launch" });
    expect(gate?.evidence.targets.notHealthy[0]).toMatchObject({ state: "unhealthy", reason: "Target.ResponseCodeMismatch" });
    expect(view.steps.map((step) => step.state)).toContain("Roll back");
    expect(view.steps.some((step) => step.type === "Choice")).toBe(false);
  });

  it("lists each batch's own gate checks once: new instances, then after bake", async () => {
    const succeeded = await deployLocally({
      app: "hello",
      env: "prod",
      release: EXAMPLE_RELEASES.second,
      instances: 2,
      from: EXAMPLE_RELEASES.first,
      strategy: { batches: ["50%"], bakeSeconds: 10, minHealthyPercent: 100, retire: "standby" },
      trigger: { source: "cli" },
    });

    const gates = executionView(succeeded.record, {}, 0).gates;

    expect(gates.map((gate) => `${gate.batch} ${gate.phase}`)).toEqual(["1 launch", "1 bake", "2 launch", "2 bake"]);
    expect(new Set(gates.map((gate) => gate.evidence.checkedAt)).size).toBe(4);
    expect(gates.every((gate) => gate.evidence.targets.healthy === gate.evidence.targets.instances)).toBe(true);
  });

  it("charts the fleet from each step's report when the console did not watch the deploy", () => {
    const view = executionView(rolledBack.record, {}, 0);

    expect(view.fleet.source).toBe("reports");
    const row = (label: string) => view.fleet.data[view.fleet.labels.indexOf(label) + 1] ?? [];
    expect(Math.max(...row(`${EXAMPLE_RELEASES.failing} InService`))).toBe(2);
    expect(row(`${EXAMPLE_RELEASES.second} InService`).at(-1)).toBe(4);
    expect(row("capacity floor").every((floor) => floor === 4)).toBe(true);
  });

  it("charts what it watched, ending where the group ended", () => {
    const watched = feed.fleetOf(rolledBack.name) ?? [];
    const view = executionView(rolledBack.record, { fleet: watched }, 0);

    expect(view.fleet.source).toBe("watched");
    const last = Object.fromEntries(view.fleet.labels.map((label, index) => [label, view.fleet.data[index + 1]?.at(-1)]));
    expect(last).toMatchObject({ [`${EXAMPLE_RELEASES.second} InService`]: 4, serving: 4, "capacity floor": 4 });
    expect(Math.min(...(view.fleet.data[view.fleet.labels.indexOf("serving") + 1] ?? []))).toBeGreaterThanOrEqual(4);
    expect(feed.timerCount()).toBe(0);
  });
});
