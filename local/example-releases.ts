import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildRelease } from "../examples/hello-app/build.mjs";
import { createRelease, type CreatedRelease } from "../cli/release/create.js";
import type { LocalCloud } from "./cloud/index.js";

const releasesDir = new URL("../examples/hello-app/releases/", import.meta.url);

import { EXAMPLE_RELEASES } from "./example-release-ids.js";

export { EXAMPLE_RELEASES };

interface ReleaseFile {
  id: string;
  health?: string;
}

/** The example app's releases, as their release.json files describe them. */
export function exampleReleases(): ReleaseFile[] {
  return readdirSync(releasesDir)
    .sort()
    .flatMap((dir) => {
      try {
        return [JSON.parse(readFileSync(new URL(`${dir}/release.json`, releasesDir), "utf8")) as ReleaseFile];
      } catch {
        return [];
      }
    });
}

/**
 * Virtual instances behave like the example releases they run: a release whose release.json
 * says its health is failing fails its health checks, as its real process would.
 */
export function applyExampleReleaseHealth(cloud: LocalCloud): void {
  for (const release of exampleReleases()) {
    cloud.setReleaseHealth(release.id, release.health === "failing" ? "unhealthy" : "healthy");
  }
}

/**
 * Builds example releases into the release store the runtime reaches (the local one), the
 * way a person would: the app's build (examples/hello-app/build.mjs) into a directory, then
 * `gantry release create --dir <build> --release <id>`, the same code. Already-built releases
 * are left as they are.
 */
export async function buildExampleReleases(app: string, env: string, ids: readonly string[] = Object.values(EXAMPLE_RELEASES)): Promise<CreatedRelease[]> {
  const built: CreatedRelease[] = [];
  for (const id of ids) {
    const dir = mkdtempSync(join(tmpdir(), `gantry-build-${id}-`));
    try {
      buildRelease(id, dir);
      built.push(await createRelease({ app, env, dir, release: id, readEnvironment: noEnvironment, now: Date.now }));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return built;
}

/** The example's releases pin no variables: the demo's app needs none beyond what the boot sets. */
async function noEnvironment(): Promise<Record<string, number>> {
  return {};
}
