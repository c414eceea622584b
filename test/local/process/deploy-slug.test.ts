import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { provideRuntime } from "../../../functions/aws/runtime.js";
import { ScaledClock } from "../../../local/clock.js";
import { LocalCloud } from "../../../local/cloud/index.js";
import { EXAMPLE_RELEASES, buildExampleReleases } from "../../../local/example-releases.js";
import { createProcessDriver, type ProcessDriver } from "../../../local/process/index.js";
import { slugBoot } from "../../../local/process/slug-boot.js";
import { createLocalRuntime } from "../../../local/runtime.js";
import { startLocalS3, type LocalS3 } from "../../../local/s3/index.js";
import { deployInPlace } from "./fixtures.js";

let s3: LocalS3;
let root: string;
let driver: ProcessDriver;
let cloud: LocalCloud;
let instanceId: string;

/** One process instance that installs its releases from the release store, as the bootstrap does. */
beforeAll(async () => {
  s3 = await startLocalS3();
  root = mkdtempSync(join(tmpdir(), "gantry-hosts-"));
  provideRuntime(createLocalRuntime({ releaseBucket: s3.bucket }));
  await buildExampleReleases("hello", "prod", [EXAMPLE_RELEASES.first, EXAMPLE_RELEASES.second]);
  const clock = new ScaledClock(20);
  driver = createProcessDriver({ clock, checkIntervalMs: 50, boot: slugBoot({ app: "hello", env: "prod", root }) });
  cloud = new LocalCloud({ clock, driver: () => driver });
  cloud.createGroup({
    name: "hello-prod",
    minSize: 0,
    maxSize: 2,
    desiredCapacity: 1,
    availabilityZones: ["eu-west-1a"],
    launchTemplateId: cloud.createLaunchTemplate({ name: "hello", imageId: "ami-0123456789abcdef0" }),
    tags: [{ key: "gantry:release", value: EXAMPLE_RELEASES.first, propagateAtLaunch: true }],
  });
  instanceId = cloud.snapshot("hello-prod").instances[0]!.instanceId;
  await driver.waitUntilServing([instanceId], 10_000);
});

afterAll(async () => {
  await driver?.stopAll();
  await s3?.close();
  rmSync(root, { recursive: true, force: true });
});

const version = async () => (JSON.parse((await cloud.httpProbe(instanceId, "/version")).body) as { release: string }).release;

describe("ProcessDriver in-place deploy through slugBoot", () => {
  it("installs the next release from the release store and serves it", async () => {
    const out = await deployInPlace(cloud, instanceId, EXAMPLE_RELEASES.second);

    expect(out).toMatchObject({ Status: "Success", ResponseCode: 0 });
    expect(await version()).toBe(EXAMPLE_RELEASES.second);
  });

  it("fails a release that was never built before stopping anything: the running app keeps serving", async () => {
    const pid = driver.pidOf(instanceId);

    const out = await deployInPlace(cloud, instanceId, "0123456789ab");

    expect(out).toMatchObject({ Status: "Failed", ResponseCode: 1 });
    expect(out.StandardErrorContent).toMatch(/^release 0123456789ab did not install: /);
    expect(out.StandardOutputContent).not.toContain("stopping release");
    expect(driver.pidOf(instanceId)).toBe(pid);
    expect(await version()).toBe(EXAMPLE_RELEASES.second);
  });

  it("goes back to the previous release, still installed", async () => {
    const out = await deployInPlace(cloud, instanceId, EXAMPLE_RELEASES.first);

    expect(out).toMatchObject({ Status: "Success" });
    expect(await version()).toBe(EXAMPLE_RELEASES.first);
    expect(cloud.runningRelease(instanceId)).toBe(EXAMPLE_RELEASES.first);
  });
});
