import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { provideRuntime } from "../../../functions/aws/runtime.js";
import { ReleaseNotBuiltError } from "../../../functions/core/errors.js";
import { EXAMPLE_RELEASES, buildExampleReleases } from "../../../local/example-releases.js";
import { AppProcess } from "../../../local/process/index.js";
import { slugBoot } from "../../../local/process/slug-boot.js";
import { httpGet } from "../../../local/process/http-get.js";
import { createLocalRuntime } from "../../../local/runtime.js";
import { startLocalS3, type LocalS3 } from "../../../local/s3/index.js";

let s3: LocalS3;
let root: string;

beforeAll(async () => {
  s3 = await startLocalS3();
  root = mkdtempSync(join(tmpdir(), "gantry-hosts-"));
  provideRuntime(createLocalRuntime({ releaseBucket: s3.bucket }));
  await buildExampleReleases("hello", "prod", [EXAMPLE_RELEASES.second]);
});

afterAll(async () => {
  await s3.close();
  rmSync(root, { recursive: true, force: true });
});

describe("slugBoot", () => {
  it("installs a release as the bootstrap does: fetches and unpacks the slug, runs its Procfile's web line, and the app answers as that release", async () => {
    const boot = slugBoot({ app: "hello", env: "prod", root });

    const booted = await boot(EXAMPLE_RELEASES.second);
    const app = new AppProcess({ appDir: booted.dir, command: booted.command, env: booted.env, release: EXAMPLE_RELEASES.second, instanceId: "i-1" });
    try {
      const port = await app.listening;
      const version = await httpGet({ host: "127.0.0.1", port }, "/version", 2_000);

      expect(booted.dir).toBe(join(root, "releases", EXAMPLE_RELEASES.second));
      expect(existsSync(join(booted.dir, "Procfile"))).toBe(true);
      expect(booted.command).toEqual(["/bin/sh", "-c", "exec node server.mjs"]);
      expect(JSON.parse(version.body)).toMatchObject({ release: EXAMPLE_RELEASES.second });
    } finally {
      await app.stop(2_000);
    }
  });

  it("fails to install a release that was never built, so the instance never serves", async () => {
    const boot = slugBoot({ app: "hello", env: "prod", root });

    await expect(boot("0123456789ab")).rejects.toThrow(ReleaseNotBuiltError);
  });
});
