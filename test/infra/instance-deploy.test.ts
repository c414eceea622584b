import { existsSync, readdirSync, readFileSync, readlinkSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { removeInstances, stubInstance } from "./instance-stubs.js";

afterEach(removeInstances);

const FIRST = "3f2c1ab9e0d4";
const SECOND = "7e0a1b2c3d4f";
const THIRD = "a1f3c9e07b24";
const FOURTH = "b2c4d6e8f0a1";

/** An instance booted on FIRST by the bootstrap, with the later releases in S3, its boot's calls forgotten. */
function bootedInstance(...more: string[]) {
  const instance = stubInstance({ metadataTag: FIRST, releases: Object.fromEntries([FIRST, ...more].map((id) => [id, {}])) });
  const boot = instance.boot();
  expect(boot.status, boot.stderr).toBe(0);
  instance.clearCalls();
  return instance;
}

const current = (fs: string) => readlinkSync(join(fs, "srv/hello/current"));
const onDisk = (fs: string) => readdirSync(join(fs, "srv/hello/releases")).sort();

describe("examples/instance-bootstrap/gantry-deploy", () => {
  it("installs a second release beside the first, switches current to it and restarts the unit once it answers /health", () => {
    const instance = bootedInstance(SECOND);

    const run = instance.deploy([SECOND]);

    expect(run.status, run.stderr).toBe(0);
    expect(current(instance.fs)).toBe(`releases/${SECOND}`);
    expect(readFileSync(join(instance.fs, "srv/hello/current/.gantry/web"), "utf8")).toContain(`export RELEASE=${SECOND}\n`);
    expect(instance.calls().filter((call) => call.startsWith("aws s3 cp"))).toEqual([
      expect.stringContaining(`s3://slugs/hello/prod/${SECOND}/slug.tgz `),
      expect.stringContaining(`s3://slugs/hello/prod/${SECOND}/env `),
    ]);
    expect(instance.calls().filter((call) => call.startsWith("systemctl"))).toEqual(["systemctl restart gantry-hello-prod.service"]);
    expect(run.stdout).toContain(`gantry-deploy: current -> releases/${SECOND} (was ${FIRST}); restarting gantry-hello-prod.service`);
    expect(run.stdout).toContain(`gantry-deploy: deployed release ${SECOND}`);
    // The first release stays, complete, and is the one to go back to.
    expect(onDisk(instance.fs)).toEqual([FIRST, SECOND]);
    expect(readlinkSync(join(instance.fs, "srv/hello/previous"))).toBe(`releases/${FIRST}`);
    expect(readFileSync(join(instance.fs, `srv/hello/releases/${FIRST}/RELEASE`), "utf8")).toBe(`${FIRST}\n`);
  });

  it("goes back to a release still on disk without fetching it again", () => {
    const instance = bootedInstance(SECOND);
    expect(instance.deploy([SECOND]).status).toBe(0);
    instance.clearCalls();

    const run = instance.deploy([FIRST]);

    expect(run.status, run.stderr).toBe(0);
    expect(current(instance.fs)).toBe(`releases/${FIRST}`);
    expect(run.stdout).toContain(`gantry-deploy: release ${FIRST} is already on disk`);
    expect(instance.calls().some((call) => call.startsWith("aws"))).toBe(false);
    expect(instance.calls()).toContain("systemctl restart gantry-hello-prod.service");
  });

  it("fails when the release never answers /health, saying why, and switches back to the release it replaced", () => {
    const instance = bootedInstance(SECOND);
    instance.health(SECOND, "503");

    const run = instance.deploy([SECOND]);

    expect(run.status).toBe(3);
    expect(run.stderr).toContain(`gantry-deploy: release ${SECOND} did not answer http://127.0.0.1:8080/health with 200 within 2s (last answer: 503)`);
    expect(run.stderr).toContain("gantry-deploy:   Dec 02 16:20:01 hello-prod node[4242]: Error: listen EADDRINUSE");
    expect(run.stderr).toContain(`gantry-deploy: switching current back to release ${FIRST} and restarting gantry-hello-prod.service`);
    expect(run.stderr).toContain(`gantry-deploy: release ${SECOND} is not healthy; release ${FIRST} runs again`);
    expect(current(instance.fs)).toBe(`releases/${FIRST}`);
    expect(instance.calls().filter((call) => call.startsWith("systemctl"))).toEqual([
      "systemctl restart gantry-hello-prod.service",
      "systemctl restart gantry-hello-prod.service",
    ]);
    expect(instance.calls()).toContain("journalctl -u gantry-hello-prod.service -n 20 --no-pager");
  });

  it("fails with 4, saying the instance is not serving, when the release it switches back to does not answer either", () => {
    const instance = bootedInstance(SECOND);
    instance.health(SECOND, "000");
    instance.health(FIRST, "000");

    const run = instance.deploy([SECOND]);

    expect(run.status).toBe(4);
    expect(run.stderr).toContain(`release ${SECOND} did not answer http://127.0.0.1:8080/health with 200 within 2s (last answer: 000)`);
    expect(run.stderr).toContain(
      `gantry-deploy: release ${SECOND} is not healthy, and release ${FIRST} did not come back either: gantry-hello-prod.service is not serving`,
    );
    expect(current(instance.fs)).toBe(`releases/${FIRST}`);
  });

  it("fails the first boot when its release never answers /health, having nothing to switch back to", () => {
    const instance = stubInstance({ metadataTag: FIRST, releases: { [FIRST]: {} } });
    instance.health(FIRST, "503");

    const run = instance.boot();

    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain(
      `gantry-deploy: release ${FIRST} is not healthy and there is no other release to switch back to: gantry-hello-prod.service is not serving`,
    );
    expect(run.stderr).toContain(`release ${FIRST} (the gantry:release tag of i-0123456789abcdef0) did not deploy`);
    expect(instance.calls()).not.toContain("systemctl enable gantry-hello-prod.service");
  });

  it.each([
    ["a release number", "v3"],
    ["a full commit SHA", "3f2c1ab9e0d4c8b7a6f5e4d3c2b1a09f8e7d6c5b"],
    ["a path", "../3f2c1ab9e0d4"],
  ])("rejects %s as the release id with exit 2, touching nothing", (_, id) => {
    const instance = bootedInstance();

    const run = instance.deploy([id]);

    expect(run.status).toBe(2);
    expect(run.stderr).toBe(`gantry-deploy: "${id}" is not a release id (the first 12 lowercase hex characters of the commit, optionally -c<N>)\n`);
    expect(instance.calls()).toEqual([]);
    expect(current(instance.fs)).toBe(`releases/${FIRST}`);
    expect(onDisk(instance.fs)).toEqual([FIRST]);
  });

  it("rejects a call without exactly one release id with exit 2, saying how to call it", () => {
    const instance = bootedInstance();

    const run = instance.deploy([]);

    expect(run.status).toBe(2);
    expect(run.stderr).toContain("gantry-deploy: usage: gantry-deploy <release>");
    expect(instance.calls()).toEqual([]);
  });

  it("fails naming the S3 URL when the release's slug is missing, leaving the running release as it was", () => {
    const instance = bootedInstance();

    const run = instance.deploy([SECOND]);

    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`gantry-deploy: cannot fetch s3://slugs/hello/prod/${SECOND}/slug.tgz`);
    expect(current(instance.fs)).toBe(`releases/${FIRST}`);
    expect(onDisk(instance.fs)).toEqual([FIRST]);
    expect(readdirSync(join(instance.fs, "srv/hello")).filter((name) => name.startsWith(".staging"))).toEqual([]);
    expect(instance.calls().some((call) => call.startsWith("systemctl"))).toBe(false);
  });

  it("keeps at most GANTRY_DEPLOY_KEEP releases on disk, removing the oldest but never current or previous", () => {
    const instance = bootedInstance(SECOND, THIRD, FOURTH);
    const keep = { GANTRY_DEPLOY_KEEP: "2" };
    expect(instance.deploy([SECOND], keep).status).toBe(0);
    // THIRD fails and is switched back from: it is the newest on disk, but neither current nor previous.
    instance.health(THIRD, "503");
    expect(instance.deploy([THIRD], keep).status).toBe(3);

    const run = instance.deploy([FOURTH], keep);

    expect(run.status, run.stderr).toBe(0);
    expect(onDisk(instance.fs)).toEqual([SECOND, FOURTH].sort());
    expect(readlinkSync(join(instance.fs, "srv/hello/previous"))).toBe(`releases/${SECOND}`);
    expect(run.stdout).toContain(`gantry-deploy: removed release ${THIRD} (keeping 2)`);
    expect(run.stdout).toContain(`gantry-deploy: removed release ${FIRST} (keeping 2)`);
    expect(existsSync(join(instance.fs, "srv/hello/current/server.mjs"))).toBe(true);
  });
});
