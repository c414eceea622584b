import { afterAll, describe, expect, it } from "vitest";
import { readLock } from "../../functions/aws/lock/deploy-lock.js";
import { closeLocalDynamo } from "../../local/dynamo-session.js";
import { createLocalFleet, runLocalDeploy } from "../../local/scenario.js";
import { fleetState } from "../../local/watch.js";

// The local fleet's clock starts Monday 2026-01-05 09:00 UTC, 10:00 in Berlin: before these hours.
const window = { timezone: "Europe/Berlin", hours: { from: "11:00", to: "17:00" } };
const opening = Date.parse("2026-01-05T10:00:00Z");

afterAll(() => closeLocalDynamo());

describe("deploy state machine with a deploy window", () => {
  it("waits for the window to open, then deploys, launching nothing before the opening", async () => {
    const fleet = createLocalFleet({ instances: 2, app: "windowone" });

    const record = await runLocalDeploy(
      fleet,
      fleet.deployInput("v2", { strategy: { batches: ["50%"], bakeSeconds: 30, pollSeconds: 10, deployWindow: window } }),
    );

    const waited = record.steps.find((step) => step.state === "Wait for the deploy window");
    const launch = record.steps.find((step) => step.state === "Launch batch");
    expect(record.status).toBe("SUCCEEDED");
    expect((waited?.output as { deployWindow?: { summary?: string } }).deployWindow?.summary).toBe(
      "waiting for the deploy window until 2026-01-05T11:00+01:00 (outside MON-FRI 11:00–17:00 Europe/Berlin)",
    );
    expect(launch?.enteredAt).toBeGreaterThanOrEqual(opening);
    expect(fleetState(fleet).releases).toEqual(["v2:InService", "v2:InService"]);
    expect((await readLock("windowone", "prod"))?.holder).toBeUndefined();
  });

  it("fails a push outside a window that refuses, changing nothing", async () => {
    const fleet = createLocalFleet({ instances: 2, app: "windowtwo" });

    const record = await runLocalDeploy(fleet, fleet.deployInput("v2", { strategy: { deployWindow: { ...window, outside: "refuse" } } }));

    expect(record.error).toBe("DeployOutsideWindow");
    expect(record.cause).toMatch(/^Deploy refused: outside deploy window \(outside MON-FRI 11:00–17:00 Europe\/Berlin\); it opens 2026-01-05T11:00\+01:00/);
    expect(record.steps.map((step) => step.state)).not.toContain("Take the deploy lock");
  });

  it("with ignoreWindow deploys at once outside the window and says what the window said", async () => {
    const fleet = createLocalFleet({ instances: 2, app: "windowthree" });
    const input = fleet.deployInput("v2", { strategy: { batches: ["50%"], bakeSeconds: 30, pollSeconds: 10, deployWindow: { ...window, outside: "refuse" } } });

    const record = await runLocalDeploy(fleet, { ...input, ignoreWindow: true, trigger: { source: "cli", actor: "ada" } });

    const checked = record.steps.find((step) => step.state === "Check deploy window");
    const launch = record.steps.find((step) => step.state === "Launch batch");
    expect(record.status).toBe("SUCCEEDED");
    expect(record.steps.map((step) => step.state)).not.toContain("Wait for the deploy window");
    expect((checked?.output as { deployWindow?: { summary?: string } }).deployWindow?.summary).toBe(
      "outside the deploy window (outside MON-FRI 11:00–17:00 Europe/Berlin; it opens 2026-01-05T11:00+01:00), deploying now: --ignore-window by ada",
    );
    expect(launch?.enteredAt).toBeLessThan(opening);
    expect(fleetState(fleet).releases).toEqual(["v2:InService", "v2:InService"]);
  });

  it("lets a rollback through a closed window without waiting", async () => {
    const fleet = createLocalFleet({ instances: 2, app: "windowfour" });
    const input = fleet.deployInput("v2", { strategy: { batches: ["50%"], bakeSeconds: 30, pollSeconds: 10, deployWindow: window } });

    const record = await runLocalDeploy(fleet, { ...input, trigger: { source: "rollback", actor: "ada (to v2)" } });

    expect(record.status).toBe("SUCCEEDED");
    expect(record.steps.map((step) => step.state)).not.toContain("Wait for the deploy window");
    expect(record.steps.find((step) => step.state === "Launch batch")?.enteredAt).toBeLessThan(opening);
  });
});
