import { InvalidCommitError } from "../errors.js";

/** A full commit id: SHA-1 (40 hex) today, SHA-256 (64 hex) in repositories that use the newer object format. */
const COMMIT_SHA = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/i;
const RELEASE_ID_LENGTH = 12;

/** Whether `text` is a full commit id (not a short one, not a ref). */
export function isCommitSha(text: string): boolean {
  return COMMIT_SHA.test(text);
}

/**
 * The release id of a commit: its first 12 hex characters, lowercase. One rule for the
 * webhook, the CLI and the release store, so a commit is the same release wherever it is named.
 */
export function releaseIdOf(sha: string): string {
  if (!isCommitSha(sha)) throw new InvalidCommitError(`${JSON.stringify(sha)} is not a full commit sha (40 hex characters); give the whole commit id.`);
  return sha.toLowerCase().slice(0, RELEASE_ID_LENGTH);
}
