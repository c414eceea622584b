import { readFileSync, readdirSync } from "node:fs";
import type { LocalCloud } from "./cloud/index.js";

const releasesDir = new URL("../examples/hello-app/releases/", import.meta.url);

interface ReleaseFile {
  id: string;
  health?: string;
}

/** The example app's releases (v1, v2, v3…), as their release.json files describe them. */
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
