/**
 * Where a release lives in the release bucket. One prefix per app/env/release:
 * `<app>/<env>/<releaseId>/slug.tgz` (the app), `env` (its environment, KEY=VALUE lines) and
 * `manifest.json`, written last: a release without a manifest does not exist. `<app>/<env>/current`
 * holds the id of the release that runs.
 */
export interface ReleaseKeys {
  prefix: string;
  slug: string;
  env: string;
  manifest: string;
}

/** The object keys of one release. */
export function releaseKeys(app: string, env: string, releaseId: string): ReleaseKeys {
  const prefix = `${app}/${env}/${releaseId}/`;
  return { prefix, slug: `${prefix}slug.tgz`, env: `${prefix}env`, manifest: `${prefix}manifest.json` };
}

/** The object that names the release an app/env runs. */
export function currentKey(app: string, env: string): string {
  return `${app}/${env}/current`;
}

/** The command that builds and uploads a release, for messages that say how to fix a missing one. */
export function releaseCreateCommand(app: string, env: string, releaseId: string): string {
  return `gantry release create ${app} ${env} --ref ${releaseId}`;
}
