import { resolve } from "node:path";
import { putRelease, type PutReleaseResult } from "../../functions/aws/releases/release-store.js";
import { pinsFile, type EnvironmentPins } from "../../functions/core/releases/config-release.js";
import type { ReleaseSource } from "../../functions/core/releases/manifest.js";
import { parseReleaseId } from "../../functions/core/releases/release-id.js";
import { UsageError } from "../output.js";
import { archiveCommit, inGitRepository, resolveRef, workTreeDirty } from "./git.js";
import { packDirectory } from "./pack-dir.js";

export interface CreateReleaseRequest {
  app: string;
  env: string;
  /** A git ref whose committed tree is packed (`git archive`). */
  ref?: string;
  /** A build directory packed as it is. */
  dir?: string;
  /** The release id of a `dir` that is not in a git repository (or to name a build other than HEAD's). */
  release?: string;
  /** The repository a ref is resolved in (default: the current directory). */
  cwd?: string;
  /** The app/env's environment as SSM versions to pin (SSM on AWS, the local parameter store locally); the release holds no values. */
  readEnvironment: (app: string, env: string) => Promise<EnvironmentPins>;
  now: () => number;
  warn?: (text: string) => void;
}

export interface CreatedRelease extends PutReleaseResult {
  releaseId: string;
  slugBytes: number;
  envBytes: number;
}

/**
 * `gantry release create`: packs the app (the committed tree of a ref, or a build directory),
 * attaches the app/env's environment and stores both as a release, manifest last. The release
 * id is the first 12 hex of the commit: of the ref; of the directory's git HEAD when the
 * directory is in a repository (a CI build of that commit); else `--release` must give it.
 */
export async function createRelease(request: CreateReleaseRequest): Promise<CreatedRelease> {
  const { app, env } = request;
  if ((request.ref === undefined) === (request.dir === undefined)) {
    throw new UsageError(`gantry release create ${app} ${env} needs exactly one of --ref <git ref> or --dir <build dir>.`);
  }
  const cwd = request.cwd ?? process.cwd();
  let releaseId: string;
  let commit: string | undefined;
  let source: ReleaseSource;
  let slug: Buffer;
  if (request.ref !== undefined) {
    if (request.release !== undefined) throw new UsageError("--release only goes with --dir: a --ref names its own release (its commit's first 12 hex).");
    const resolved = resolveRef(request.ref, cwd);
    commit = resolved.commit;
    releaseId = parseReleaseId(commit);
    if (workTreeDirty(cwd)) request.warn?.(`warning: the work tree in ${cwd} has uncommitted changes; the release packs commit ${releaseId} only.`);
    source = { kind: "ref", ref: request.ref };
    slug = archiveCommit(commit, cwd);
  } else {
    const dir = resolve(cwd, request.dir as string);
    if (request.release !== undefined) {
      releaseId = parseReleaseId(request.release.toLowerCase());
      if (request.release.length === 40 || request.release.length === 64) commit = request.release.toLowerCase();
    } else if (inGitRepository(dir)) {
      commit = resolveRef("HEAD", dir).commit;
      releaseId = parseReleaseId(commit);
    } else {
      throw new UsageError(`--dir ${dir} is not in a git repository, so its commit is unknown: give the release id with --release <12-hex id>.`);
    }
    source = { kind: "dir", dir: request.dir as string };
    slug = await packDirectory(dir);
  }
  const environment = Buffer.from(pinsFile(app, env, await request.readEnvironment(app, env)));
  const stored = await putRelease({
    app,
    env,
    releaseId,
    ...(commit ? { commit } : {}),
    source,
    slug,
    environment,
    createdAt: new Date(request.now()).toISOString(),
  });
  return { ...stored, releaseId, slugBytes: slug.byteLength, envBytes: environment.byteLength };
}
