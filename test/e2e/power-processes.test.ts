import { afterAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../functions/core/config/config.js";
import { ScaledClock } from "../../local/clock.js";
import { closeLocalDynamo } from "../../local/dynamo-session.js";
import { createPowerWorld, runLocalPower } from "../../local/power-scenario.js";
import { createProcessDriver } from "../../local/process/index.js";
import { eventually, isAlive } from "../local/process/fixtures.js";

/** 50× real time: a 15 s poll takes 0.3 s. */
const clock = new ScaledClock(50);
const driver = createProcessDriver({ clock, checkIntervalMs: 50 });

afterAll(async () => {
  await driver.stopAll();
  await closeLocalDynamo();
});

const config = parseConfig({
  apps: {},
  schedules: { jumpbox: { timezone: "Europe/London", workWeek: "MON-FRI", on: "08:00", off: "18:00", targets: [{ tag: "gantry:schedule=jumpbox" }] } },
});

describe("power state machine on instances that are real processes", () => {
  it("really stops the app process at a stop and starts a new one at the next start", async () => {
    const world = createPowerWorld({ config, schedule: "jumpbox", running: true, clock, driver: () => driver, startSeconds: 10, statusCheckSeconds: 20 });
    const [id] = world.instances["gantry:schedule=jumpbox"]!;
    await driver.waitUntilServing([id!], 10_000);
    const firstPid = driver.pidOf(id!)!;

    const stop = await runLocalPower(world, { schedule: "jumpbox", action: "stop", at: "2026-03-30T18:00:00+01:00" });

    expect(stop.status).toBe("SUCCEEDED");
    await eventually("the app process has exited", () => !isAlive(firstPid));
    expect(driver.runningInstances()).not.toContain(id);

    const start = await runLocalPower(world, { schedule: "jumpbox", action: "start", at: "2026-03-31T08:00:00+01:00" });

    expect(start.status).toBe("SUCCEEDED");
    const secondPid = driver.pidOf(id!)!;
    expect(secondPid).not.toBe(firstPid);
    expect(isAlive(secondPid)).toBe(true);
    expect(await world.cloud.httpProbe(id!, "/health")).toMatchObject({ status: 200 });
  });
});
