import { afterEach, describe, expect, it } from "vitest";

import { deployInPlace, isAlive, processFleet, type ProcessFleet } from "./fixtures.js";

let fleet: ProcessFleet | undefined;

afterEach(async () => {
  await fleet?.driver.stopAll();
  fleet = undefined;
});

describe("ProcessDriver in-place deploy", () => {
  it("replaces a running instance's app with the next release: old process drained and gone, the new one serving", async () => {
    fleet = processFleet({ instances: 1, release: "a1f3c9e07b24" });
    const [id] = fleet.instanceIds() as [string];
    await fleet.driver.waitUntilServing([id], 5000);
    const oldPid = fleet.driver.pidOf(id)!;

    const out = await deployInPlace(fleet.cloud, id, "b7d2e4f01c68");

    expect(out).toMatchObject({ Status: "Success", ResponseCode: 0, StandardErrorContent: "" });
    expect(out.StandardOutputContent).toContain(`stopping release a1f3c9e07b24 (pid ${oldPid})`);
    expect(out.StandardOutputContent).toContain(`deployed b7d2e4f01c68 on ${id}`);
    expect(fleet.driver.pidOf(id)).not.toBe(oldPid);
    expect(isAlive(oldPid)).toBe(false);
    expect(JSON.parse((await fleet.cloud.httpProbe(id, "/version")).body)).toEqual({ release: "b7d2e4f01c68", instance: id });
    expect(fleet.cloud.runningRelease(id)).toBe("b7d2e4f01c68");
    expect(fleet.cloud.snapshot(fleet.group).instances[0]?.release).toBe("a1f3c9e07b24");
  });

  it("fails with the new app's own words when the release cannot start, the running release unchanged", async () => {
    fleet = processFleet({ instances: 1, release: "a1f3c9e07b24" });
    const [id] = fleet.instanceIds() as [string];
    await fleet.driver.waitUntilServing([id], 5000);

    const out = await deployInPlace(fleet.cloud, id, "v9");

    expect(out).toMatchObject({ Status: "Failed", StatusDetails: "Failed", ResponseCode: 1 });
    expect(out.StandardErrorContent).toMatch(/release v9 on i-\w+ exited: code 2; stderr: hello-app: cannot read release v9/);
    expect(fleet.cloud.runningRelease(id)).toBe("a1f3c9e07b24");
  });
});
