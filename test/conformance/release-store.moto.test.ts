import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BucketAlreadyOwnedByYou, CreateBucketCommand, type BucketLocationConstraint, GetObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { beforeAll, describe, expect, it } from "vitest";
import { readEnvironmentPins } from "../../functions/aws/releases/environment-parameters.js";
import { checkReleaseBuilt, fetchRelease, pointCurrent, readCurrent } from "../../functions/aws/releases/release-store.js";
import { createRuntime, provideRuntime } from "../../functions/aws/runtime.js";
import { ReleaseNotBuiltError, ReleaseStoreUnavailableError } from "../../functions/core/errors.js";
import { createRelease } from "../../cli/release/create.js";
import { REGION } from "./moto-backend.js";

const BUCKET = "gantry-releases-conformance";
const git = (cwd: string, ...args: string[]) => execFileSync("git", args, { cwd, encoding: "utf8" }).trim();
let repo = "";
let commit = "";

/** The runtime a Lambda or the CLI would have: the SDK's own endpoint (AWS_ENDPOINT_URL, moto) and the release bucket. */
function useBucket(bucket: string): void {
  provideRuntime(createRuntime({ settings: { region: REGION, forcePathStyle: true }, env: { releaseBucket: bucket, logLevel: "SILENT" } }));
}

beforeAll(async () => {
  try {
    await new S3Client({ region: REGION, forcePathStyle: true }).send(
      new CreateBucketCommand({ Bucket: BUCKET, CreateBucketConfiguration: { LocationConstraint: REGION as BucketLocationConstraint } }),
    );
  } catch (error) {
    if (!(error instanceof BucketAlreadyOwnedByYou)) throw error;
  }
  const ssm = new SSMClient({ region: REGION });
  for (const [name, value] of Object.entries({ PORT: "8080", DATABASE_URL: "postgres://db/hello" })) {
    await ssm.send(new PutParameterCommand({ Name: `/gantry/hello/prod/env/${name}`, Type: "SecureString", Value: value, Overwrite: true }));
  }
  repo = mkdtempSync(join(tmpdir(), "gantry-conformance-repo-"));
  git(repo, "init", "-q", "-b", "main");
  git(repo, "config", "user.email", "dev@example.com");
  git(repo, "config", "user.name", "Dev");
  writeFileSync(join(repo, "Procfile"), "web: node server.mjs\n");
  writeFileSync(join(repo, "server.mjs"), "console.log('hello');\n");
  git(repo, "add", ".");
  git(repo, "commit", "-q", "-m", "first");
  commit = git(repo, "rev-parse", "HEAD");
  useBucket(BUCKET);
});

describe("release store against moto's S3 and SSM", () => {
  it("creates a release from a ref with the environment from SSM, and the second time finds it already there", async () => {
    const request = {
      app: "hello",
      env: "prod",
      ref: "main",
      cwd: repo,
      readEnvironment: readEnvironmentPins,
      now: () => Date.parse("2026-12-02T05:00:00.000Z"),
    };

    const created = await createRelease(request);
    const again = await createRelease(request);

    expect(created).toMatchObject({ outcome: "created", releaseId: commit.slice(0, 12) });
    expect(again.outcome).toBe("exists");
    const fetched = await fetchRelease("hello", "prod", commit.slice(0, 12));
    expect(Buffer.from(fetched.environment).toString()).toBe("/gantry/hello/prod/env/DATABASE_URL:1\n/gantry/hello/prod/env/PORT:1\n");
    const manifest = await new S3Client({ region: REGION, forcePathStyle: true }).send(
      new GetObjectCommand({ Bucket: BUCKET, Key: `hello/prod/${commit.slice(0, 12)}/manifest.json` }),
    );
    expect(JSON.parse(await (manifest.Body?.transformToString() ?? "{}"))).toMatchObject({ commit, source: { kind: "ref", ref: "main" } });
  });

  it("checks a built release with HeadObject and refuses one never built with ReleaseNotBuiltError", async () => {
    await expect(checkReleaseBuilt("hello", "prod", commit.slice(0, 12))).resolves.toMatchObject({ slug: `hello/prod/${commit.slice(0, 12)}/slug.tgz` });
    await expect(checkReleaseBuilt("hello", "prod", "0123456789ab")).rejects.toThrow(ReleaseNotBuiltError);
    await expect(checkReleaseBuilt("hello", "prod", "0123456789ab")).rejects.toThrow(`s3://${BUCKET}/hello/prod/0123456789ab/manifest.json does not exist`);
  });

  it("points current at a release and reads it back", async () => {
    await pointCurrent("hello", "prod", commit.slice(0, 12));
    expect(await readCurrent("hello", "prod")).toBe(commit.slice(0, 12));
    await pointCurrent("hello", "prod", "b7d2e4f01c68");
    expect(await readCurrent("hello", "prod")).toBe("b7d2e4f01c68");
  });

  it("fails naming the bucket when it does not exist, and writes no pointer", async () => {
    useBucket("gantry-no-such-bucket");
    try {
      await expect(pointCurrent("hello", "prod", "b7d2e4f01c68")).rejects.toThrow(ReleaseStoreUnavailableError);
      await expect(checkReleaseBuilt("hello", "prod", "b7d2e4f01c68")).rejects.toThrow("s3://gantry-no-such-bucket/");
    } finally {
      useBucket(BUCKET);
    }
  });
});
