import { execFileSync, spawnSync } from "node:child_process";
import { InvalidReleaseIdError } from "../../functions/core/errors.js";
import { isFullCommit, isReleaseId } from "../../functions/core/releases/release-id.js";

/** What git says of a ref: the full commit it names. */
export interface ResolvedRef {
  ref: string;
  commit: string;
}

function git(args: string[], cwd: string): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync("git", args, { cwd, encoding: "utf8" });
  if (result.error)
    throw new InvalidReleaseIdError(`git could not run in ${cwd} (${result.error.message}); install git, or name the release by its 12-hex id.`);
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Whether `dir` is inside a git work tree. */
export function inGitRepository(dir: string): boolean {
  try {
    return git(["rev-parse", "--is-inside-work-tree"], dir).stdout.trim() === "true";
  } catch {
    return false;
  }
}

/**
 * The commit `ref` names in the repository at `cwd` (a branch, tag, HEAD~1, a full or short
 * SHA). Refuses, naming the value, a ref that does not exist and a short SHA that more than one
 * object starts with: a deploy must never pick one of several commits.
 */
export function resolveRef(ref: string, cwd: string): ResolvedRef {
  if (ref.startsWith("-")) throw new InvalidReleaseIdError(`"${ref}" is not a git ref; give a branch, tag or commit SHA.`);
  const answer = git(["rev-parse", "--verify", "--end-of-options", `${ref}^{commit}`], cwd);
  if (answer.status === 0) return { ref, commit: answer.stdout.trim() };
  if (/is ambiguous/.test(answer.stderr)) {
    throw new InvalidReleaseIdError(
      `short SHA "${ref}" is ambiguous in ${cwd}: more than one object starts with it; give more characters (git rev-parse ${ref}…).`,
    );
  }
  if (/not a git repository/i.test(answer.stderr)) {
    throw new InvalidReleaseIdError(
      `"${ref}" cannot be resolved: ${cwd} is not a git repository; run from the app's repository or give the 12-hex release id.`,
    );
  }
  throw new InvalidReleaseIdError(`git ref "${ref}" does not exist in ${cwd}; give a branch, tag or commit that exists (git log --oneline).`);
}

/**
 * The release id a person typed, by the one rule: a 12-hex id stands as it is; a full SHA is
 * cut to 12; anything else (a branch, a tag, a short SHA) is resolved with git at `cwd`.
 */
export function releaseIdFor(text: string, cwd: string): { releaseId: string; commit?: string } {
  const lower = text.toLowerCase();
  if (isReleaseId(lower) && lower === text) return { releaseId: lower };
  if (isFullCommit(lower)) return { releaseId: lower.slice(0, 12), commit: lower };
  const { commit } = resolveRef(text, cwd);
  return { releaseId: commit.slice(0, 12), commit };
}

/** Whether the work tree at `cwd` has changes git would not put in an archive of HEAD. */
export function workTreeDirty(cwd: string): boolean {
  return git(["status", "--porcelain", "--untracked-files=no"], cwd).stdout.trim() !== "";
}

/** The committed tree of `commit` as a gzipped tarball: the same commit always gives the same bytes. */
export function archiveCommit(commit: string, cwd: string): Buffer {
  return execFileSync("git", ["archive", "--format=tar.gz", commit], { cwd, maxBuffer: 1024 * 1024 * 1024 });
}
