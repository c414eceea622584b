import { InvalidConfigChangeError } from "../errors.js";
import { parameterName } from "./environment.js";

/**
 * Release ids of configuration changes. A release id is the first 12 hex characters of the
 * commit its slug was built from; a configuration change makes a new release of the same slug,
 * so its id is that commit's id with the change's generation: `3f2c1ab9e8d7-c2` is the second
 * configuration of commit 3f2c1ab9e8d7. It stays a release id by the one rule (it starts with
 * the commit, so `/version`, the group tag and the store all name it the same way), it is
 * distinct, so the group's tag changes and the deploy really replaces instances, and it never
 * looks like a release number (v1…vN).
 */
export const RELEASE_ID = /^([0-9a-f]{12})(?:-c([1-9][0-9]{0,5}))?$/;

/** The commit a release id was built from and its configuration generation (0 for the commit's own release). */
export interface ReleaseIdParts {
  commit: string;
  generation: number;
}

/** The parts of a release id; undefined for anything that is not one. */
export function releaseIdParts(id: string): ReleaseIdParts | undefined {
  const match = RELEASE_ID.exec(id);
  if (match?.[1] === undefined) return undefined;
  return { commit: match[1], generation: match[2] === undefined ? 0 : Number(match[2]) };
}

/** `3f2c1ab9e8d7` with generation 2 → `3f2c1ab9e8d7-c2`; generation 0 is the commit's own id. */
export function configReleaseId(commit: string, generation: number): string {
  return generation === 0 ? commit : `${commit}-c${generation}`;
}

/**
 * The id of the next configuration release of `base`'s slug: one generation above the highest
 * any release of that commit already has, so a change after a rollback (current on `-c2` while
 * `-c3` exists) never reuses an id whose manifest says something else.
 */
export function nextConfigReleaseId(base: string, existing: readonly string[]): string {
  const parts = releaseIdParts(base);
  if (!parts)
    throw new InvalidConfigChangeError(
      `"${base}" is not a release id (12 hex characters of a commit, optionally -c<N>): cannot make a configuration release of it.`,
    );
  const highest = existing.reduce((max, id) => {
    const other = releaseIdParts(id);
    return other && other.commit === parts.commit ? Math.max(max, other.generation) : max;
  }, parts.generation);
  return configReleaseId(parts.commit, highest + 1);
}

/**
 * The environment a release runs: each variable pinned to the SSM parameter version it had when
 * the release was made. An instance reads exactly those versions at boot, so rolling back to a
 * release brings back its configuration too, whatever was set since.
 */
export type EnvironmentPins = Record<string, number>;

/** The release's `env` object: one SSM selector per line (`/gantry/hello/prod/env/GREETING:3`), names in order, no values. */
export function pinsFile(app: string, env: string, pins: Readonly<EnvironmentPins>): string {
  return Object.keys(pins)
    .sort()
    .map((name) => `${parameterName(app, env, name)}:${pins[name]}\n`)
    .join("");
}

/** The pins an `env` object lists; lines that are not selectors under the app/env's path are refused. */
export function parsePinsFile(app: string, env: string, text: string): EnvironmentPins {
  const prefix = parameterName(app, env, "");
  const pins: EnvironmentPins = {};
  for (const line of text.split("\n").filter((line) => line.trim() !== "")) {
    const match = /^(.+):([1-9][0-9]*)$/.exec(line.trim());
    const name = match?.[1]?.startsWith(prefix) ? match[1].slice(prefix.length) : undefined;
    if (!match?.[2] || !name || name.includes("/"))
      throw new InvalidConfigChangeError(`"${line}" in the release's env is not an SSM selector under ${prefix} (<name>:<version>).`);
    pins[name] = Number(match[2]);
  }
  return pins;
}
