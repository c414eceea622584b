import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { list } from "tar";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fetchRelease, readManifest } from "../../functions/aws/releases/release-store.js";
import { provideRuntime } from "../../functions/aws/runtime.js";
import { InvalidReleaseIdError, ReleaseConflictError, ReleaseStoreUnavailableError } from "../../functions/core/errors.js";
import { UsageError } from "../../cli/output.js";
import { createRelease, type CreateReleaseRequest } from "../../cli/release/create.js";
import { releaseIdFor, resolveRef } from "../../cli/release/git.js";
import { createLocalRuntime } from "../../local/runtime.js";
import { startLocalS3, type LocalS3 } from "../../local/s3/index.js";

const git = (cwd: string, ...args: string[]) => execFileSync("git", args, { cwd, encoding: "utf8" }).trim();

let s3: LocalS3;
let repo: string;
let scratch: string;
let head: string;

/** A repository with one commit of a two-file app. */
function makeRepo(): string {
  const dir = mkdtempSync(join(scratch, "repo-"));
  git(dir, "init", "-q", "-b", "main");
  git(dir, "config", "user.email", "dev@example.com");
  git(dir, "config", "user.name", "Dev");
  writeFileSync(join(dir, "server.mjs"), "console.log('hello');\n");
  writeFileSync(join(dir, "Procfile"), "web: node server.mjs\n");
  git(dir, "add", ".");
  git(dir, "commit", "-q", "-m", "first");
  return dir;
}

const request = (overrides: Partial<CreateReleaseRequest>): CreateReleaseRequest => ({
  app: "hello",
  env: "prod",
  cwd: repo,
  readEnvironment: async () => ({ PORT: 1, GREETING: 3 }),
  now: () => Date.parse("2026-12-02T05:00:00.000Z"),
  ...overrides,
});

async function slugEntries(bytes: Uint8Array): Promise<string[]> {
  const entries: string[] = [];
  await pipeline(Readable.from([Buffer.from(bytes)]), list({ onReadEntry: (entry) => entries.push(entry.path) }));
  return entries;
}

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), "gantry-release-create-"));
  s3 = await startLocalS3();
  provideRuntime(createLocalRuntime({ releaseBucket: s3.bucket }));
  repo = makeRepo();
  head = git(repo, "rev-parse", "HEAD");
});

afterAll(async () => {
  await s3.close();
  rmSync(scratch, { recursive: true, force: true });
});

describe("gantry release create --ref", () => {
  it("packs the committed tree with git archive, attaches the environment, and stores slug, env and manifest under the commit's first 12 hex", async () => {
    const created = await createRelease(request({ ref: "main" }));

    expect(created).toMatchObject({ outcome: "created", releaseId: head.slice(0, 12) });
    const fetched = await fetchRelease("hello", "prod", head.slice(0, 12));
    expect(fetched.manifest).toMatchObject({ commit: head, source: { kind: "ref", ref: "main" }, slug: { size: created.slugBytes } });
    expect(await slugEntries(fetched.slug)).toEqual(expect.arrayContaining(["Procfile", "server.mjs"]));
    // The environment is pinned, not copied: SSM versions, no values.
    expect(Buffer.from(fetched.environment).toString()).toBe("/gantry/hello/prod/env/GREETING:3\n/gantry/hello/prod/env/PORT:1\n");
  });

  it("is idempotent: the same commit again already exists, and nothing is rewritten", async () => {
    const before = await readManifest("hello", "prod", head.slice(0, 12));

    const again = await createRelease(request({ ref: head.slice(0, 7), now: () => Date.parse("2026-12-03T00:00:00.000Z") }));

    expect(again.outcome).toBe("exists");
    expect(await readManifest("hello", "prod", head.slice(0, 12))).toEqual(before);
  });

  it("warns when the work tree has uncommitted changes, and packs the commit only", async () => {
    writeFileSync(join(repo, "server.mjs"), "console.log('not committed');\n");
    const warnings: string[] = [];
    try {
      const created = await createRelease(request({ ref: "HEAD", env: "dirty", warn: (text) => warnings.push(text) }));
      expect(warnings).toEqual([`warning: the work tree in ${repo} has uncommitted changes; the release packs commit ${created.releaseId} only.`]);
    } finally {
      git(repo, "checkout", "--", "server.mjs");
    }
  });

  it("rejects a ref that does not exist, naming it, and stores nothing", async () => {
    await expect(createRelease(request({ ref: "no-such-branch", env: "missing" }))).rejects.toThrow(
      new InvalidReleaseIdError(`git ref "no-such-branch" does not exist in ${repo}; give a branch, tag or commit that exists (git log --oneline).`),
    );
  });

  it("fails naming the bucket when it cannot be written, and no release appears", async () => {
    provideRuntime(createLocalRuntime({ releaseBucket: "no-such-bucket" }));
    try {
      await expect(createRelease(request({ ref: "main", env: "nobucket" }))).rejects.toThrow(ReleaseStoreUnavailableError);
      await expect(createRelease(request({ ref: "main", env: "nobucket" }))).rejects.toThrow("s3://no-such-bucket/");
    } finally {
      provideRuntime(createLocalRuntime({ releaseBucket: s3.bucket }));
    }
    expect(await readManifest("hello", "nobucket", head.slice(0, 12))).toBeUndefined();
  });
});

describe("gantry release create --dir", () => {
  it("names the release after the repository's HEAD when the directory is in one", async () => {
    const created = await createRelease(request({ dir: repo, env: "from-dir" }));

    expect(created).toMatchObject({ releaseId: head.slice(0, 12), manifest: { commit: head, source: { kind: "dir", dir: repo } } });
  });

  it("needs --release outside a repository, and packs the same build to the same bytes twice", async () => {
    const build = mkdtempSync(join(scratch, "build-"));
    writeFileSync(join(build, "Procfile"), "web: node server.mjs\n");
    writeFileSync(join(build, "server.mjs"), "console.log('built');\n");

    await expect(createRelease(request({ dir: build, cwd: build, env: "build" }))).rejects.toThrow(UsageError);
    await expect(createRelease(request({ dir: build, cwd: build, env: "build" }))).rejects.toThrow("give the release id with --release <12-hex id>");
    const first = await createRelease(request({ dir: build, cwd: build, env: "build", release: "b7d2e4f01c68" }));
    const second = await createRelease(request({ dir: build, cwd: build, env: "build", release: "b7d2e4f01c68" }));

    expect([first.outcome, second.outcome]).toEqual(["created", "exists"]);
    expect(second.manifest.slug.sha256).toBe(first.manifest.slug.sha256);
  });

  it("refuses other content under an existing release id, leaving the stored release as it was", async () => {
    const build = mkdtempSync(join(scratch, "build-"));
    writeFileSync(join(build, "server.mjs"), "console.log('one');\n");
    const first = await createRelease(request({ dir: build, cwd: build, env: "conflict", release: "c3e9a5d28f10" }));
    writeFileSync(join(build, "server.mjs"), "console.log('two');\n");

    await expect(createRelease(request({ dir: build, cwd: build, env: "conflict", release: "c3e9a5d28f10" }))).rejects.toThrow(ReleaseConflictError);
    expect((await readManifest("hello", "conflict", "c3e9a5d28f10"))?.slug.sha256).toBe(first.manifest.slug.sha256);
  });

  it("rejects a --release that is not a release id", async () => {
    await expect(createRelease(request({ dir: repo, env: "bad", release: "v3" }))).rejects.toThrow('"v3" is not a release id');
  });
});

describe("resolving what a person typed", () => {
  it("keeps a 12-hex release id, cuts a full SHA, and resolves branches and short SHAs with git", () => {
    expect(releaseIdFor("b7d2e4f01c68", repo)).toEqual({ releaseId: "b7d2e4f01c68" });
    expect(releaseIdFor(head, repo)).toEqual({ releaseId: head.slice(0, 12), commit: head });
    expect(releaseIdFor("main", repo)).toEqual({ releaseId: head.slice(0, 12), commit: head });
    expect(releaseIdFor(head.slice(0, 7), repo)).toEqual({ releaseId: head.slice(0, 12), commit: head });
  });

  it("says a release number is not a release id, and how to deploy that release again", () => {
    expect(() => releaseIdFor("v2", repo)).toThrow(
      `git ref "v2" does not exist in ${repo}; give a branch, tag or commit that exists (git log --oneline); v2 looks like a release number: deploy it again with gantry rollback <app> <env> --to v2.`,
    );
  });

  it("refuses a short SHA that more than one commit starts with", () => {
    // 600 commits make two that share a 4-character prefix all but certain (birthday bound over 65,536).
    const many = makeRepo();
    const script = Array.from({ length: 600 }, (_, index) => {
      const message = `commit ${index}\n`;
      return `commit refs/heads/many\ncommitter Dev <dev@example.com> ${1_700_000_000 + index} +0000\ndata ${message.length}\n${message}\n`;
    }).join("");
    execFileSync("git", ["fast-import", "--quiet"], { cwd: many, input: script });
    const commits = git(many, "rev-list", "many").split("\n");
    const seen = new Map<string, string>();
    const prefix = commits.map((commit) => commit.slice(0, 4)).find((start) => (seen.has(start) ? true : (seen.set(start, start), false)));
    expect(prefix).toBeDefined();

    expect(() => resolveRef(prefix as string, many)).toThrow(`short SHA "${prefix}" is ambiguous in ${many}`);
  });
});
