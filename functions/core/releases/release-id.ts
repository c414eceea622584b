import { InvalidReleaseIdError } from "../errors.js";

/**
 * The one release-id rule: a release id is the first 12 lowercase hex characters of the git
 * commit it was built from. Twelve characters keep ids unique in any one repository for
 * practical purposes (git itself abbreviates to 7–12), and an id of hex digits alone can never
 * look like a release number (`v1`…`vN`).
 */
export const RELEASE_ID_LENGTH = 12;

/** A configuration release of a commit's slug adds its generation: `3f2c1ab9e8d7-c2` (see config-release.ts). */
const RELEASE_ID = /^[0-9a-f]{12}(?:-c[1-9][0-9]{0,5})?$/;
const FULL_COMMIT = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

/** Whether `text` is a release id: 12 lowercase hex characters, optionally with a configuration generation `-c<N>`. */
export function isReleaseId(text: string): boolean {
  return RELEASE_ID.test(text);
}

/** Whether `text` is a full commit SHA (SHA-1, or SHA-256 for repositories that use it). */
export function isFullCommit(text: string): boolean {
  return FULL_COMMIT.test(text.toLowerCase());
}

/** The release id of a full commit SHA. */
export function releaseIdOf(commit: string): string {
  const lower = commit.trim().toLowerCase();
  if (!isFullCommit(lower)) {
    throw new InvalidReleaseIdError(`"${commit}" is not a full commit SHA (40 hex characters); resolve the ref with git rev-parse first.`);
  }
  return lower.slice(0, RELEASE_ID_LENGTH);
}

/** `text` as a release id, or a one-line error naming it and the rule. */
export function parseReleaseId(text: string): string {
  if (isReleaseId(text)) return text;
  if (isFullCommit(text)) return releaseIdOf(text);
  throw new InvalidReleaseIdError(
    `"${text}" is not a release id: a release id is the first ${RELEASE_ID_LENGTH} lowercase hex characters of the commit (git rev-parse --short=${RELEASE_ID_LENGTH} <ref>).`,
  );
}

/**
 * Whether what an app reports on `/version` names `release`: the release id itself, or the full
 * commit it was cut from (an app may well report its whole SHA).
 */
export function reportsRelease(reported: string, release: string): boolean {
  if (reported === release) return true;
  return isFullCommit(reported) && isReleaseId(release) && releaseIdOf(reported) === release;
}
