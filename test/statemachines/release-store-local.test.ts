import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pointCurrent, readCurrent } from "../../functions/aws/releases/release-store.js";
import { readGroup } from "../../functions/aws/rollout/group.js";
import { provideRuntime } from "../../functions/aws/runtime.js";
import { EXAMPLE_RELEASES, applyExampleReleaseHealth, buildExampleReleases } from "../../local/example-releases.js";
import { createLocalRuntime } from "../../local/runtime.js";
import { startLocalS3, type LocalS3 } from "../../local/s3/index.js";
import { createLocalFleet, runLocalDeploy } from "../../local/scenario.js";
import { fleetState } from "../../local/watch.js";

const strategy = { batches: ["50%"], bakeSeconds: 30, pollSeconds: 15 };
let s3: LocalS3;

/** A 4-instance fleet on the first example release, whose runtime checks releases in the local store. */
function storeFleet() {
  const fleet = createLocalFleet({ instances: 4, release: EXAMPLE_RELEASES.first, runtime: { releaseBucket: s3.bucket } });
  applyExampleReleaseHealth(fleet.cloud);
  return fleet;
}

beforeAll(async () => {
  s3 = await startLocalS3();
  provideRuntime(createLocalRuntime({ releaseBucket: s3.bucket }));
  await buildExampleReleases("hello", "prod", [EXAMPLE_RELEASES.second, EXAMPLE_RELEASES.failing]);
});

afterAll(async () => {
  await s3.close();
});

describe("deploy state machine with a release store, run locally", () => {
  it("rejects a release that was never built in Plan rollout, naming the key and the command, changing nothing", async () => {
    const fleet = storeFleet();
    const before = fleetState(fleet);

    const record = await runLocalDeploy(fleet, fleet.deployInput("0123456789ab", { strategy }));

    expect(record.status).toBe("FAILED");
    expect(record.error).toBe("ReleaseNotBuiltError");
    expect(record.cause).toBe(
      `Release 0123456789ab of hello/prod is not built: s3://${s3.bucket}/hello/prod/0123456789ab/manifest.json does not exist; build it with: gantry release create hello prod --ref 0123456789ab`,
    );
    expect(record.steps.map((step) => step.state)).not.toContain("Prepare group");
    expect(fleetState(fleet)).toEqual(before);
    expect(await readCurrent("hello", "prod")).not.toBe("0123456789ab");
  });

  it("rejects a release id that breaks the rule before looking for it", async () => {
    const fleet = storeFleet();

    const record = await runLocalDeploy(fleet, fleet.deployInput("v2", { strategy }));

    expect(record.error).toBe("InvalidReleaseIdError");
    expect(record.cause).toContain('"v2" is not a release id');
  });

  it("points current at a deployed release, and after a rolled-back deploy at the release the group went back to", async () => {
    const fleet = storeFleet();

    const deployed = await runLocalDeploy(fleet, fleet.deployInput(EXAMPLE_RELEASES.second, { strategy }));
    const afterDeploy = await readCurrent("hello", "prod");
    // A stale pointer (written by hand, say) is put right by the rollback: current names what runs.
    await pointCurrent("hello", "prod", "ffffffffffff");
    const rolledBack = await runLocalDeploy(fleet, fleet.deployInput(EXAMPLE_RELEASES.failing, { strategy }));

    expect(deployed.status).toBe("SUCCEEDED");
    expect(afterDeploy).toBe(EXAMPLE_RELEASES.second);
    expect(rolledBack.error).toBe("DeployRolledBack");
    expect(await readCurrent("hello", "prod")).toBe(EXAMPLE_RELEASES.second);
    expect((await readGroup(fleet.groupName)).tags["gantry:release"]).toBe(EXAMPLE_RELEASES.second);
  });
});
