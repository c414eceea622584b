import { createHash } from "node:crypto";
import { GetObjectCommand, HeadObjectCommand, NoSuchKey, NotFound, PutObjectCommand, S3Client, S3ServiceException } from "@aws-sdk/client-s3";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { checkReleaseBuilt, fetchRelease, pointCurrent, putRelease, type ReleaseUpload } from "../../../../functions/aws/releases/release-store.js";
import { createRuntime, provideRuntime, resetRuntime } from "../../../../functions/aws/runtime.js";
import {
  ReleaseConflictError,
  ReleaseCorruptError,
  ReleaseNotBuiltError,
  ReleaseStoreNotConfiguredError,
  ReleaseStoreUnavailableError,
} from "../../../../functions/core/errors.js";

const s3 = mockClient(S3Client);
const BUCKET = "gantry-releases";
const PREFIX = "hello/prod/3f2c1ab9e0d4/";

const upload = (overrides: Partial<ReleaseUpload> = {}): ReleaseUpload => ({
  app: "hello",
  env: "prod",
  releaseId: "3f2c1ab9e0d4",
  commit: "3f2c1ab9e0d4c5b6a7f8e9d0c1b2a3f4e5d6c7b8",
  source: { kind: "ref", ref: "main" },
  slug: Buffer.from("slug bytes"),
  environment: Buffer.from("PORT=8080\n"),
  createdAt: "2026-12-02T05:00:00.000Z",
  ...overrides,
});

/** A GetObject answer: the SDK's body is a stream with transformToByteArray, which is all the adapter reads. */
const body = (text: string) => ({ Body: { transformToByteArray: async () => new Uint8Array(Buffer.from(text)) } }) as never;
const missing = (name: "NotFound" | "NoSuchKey") =>
  name === "NotFound"
    ? new NotFound({ message: "Not Found", $metadata: { httpStatusCode: 404 } })
    : new NoSuchKey({ message: "The specified key does not exist.", $metadata: { httpStatusCode: 404 } });
const denied = () => new S3ServiceException({ name: "AccessDenied", $fault: "client", message: "Access Denied", $metadata: { httpStatusCode: 403 } });
const sha256 = (text: string) => createHash("sha256").update(text).digest();

beforeEach(() => provideRuntime(createRuntime({ settings: { region: "eu-west-1" }, env: { releaseBucket: BUCKET, logLevel: "SILENT" } })));
afterEach(() => {
  s3.reset();
  resetRuntime();
});

/** The manifest putRelease wrote, from the mock's calls. */
function writtenManifest(): Record<string, unknown> {
  const call = s3.commandCalls(PutObjectCommand).find((put) => put.args[0].input.Key === `${PREFIX}manifest.json`);
  return JSON.parse(String(call?.args[0].input.Body)) as Record<string, unknown>;
}

describe("putRelease", () => {
  it("writes the slug, then the env, then the manifest (only if absent), each with its SHA-256 for S3 to check", async () => {
    s3.on(GetObjectCommand).rejects(missing("NoSuchKey"));
    s3.on(PutObjectCommand).resolves({});

    const result = await putRelease(upload());

    const keys = s3.commandCalls(PutObjectCommand).map((call) => call.args[0].input.Key);
    expect(keys).toEqual([`${PREFIX}slug.tgz`, `${PREFIX}env`, `${PREFIX}manifest.json`]);
    expect(s3).toHaveReceivedCommandWith(PutObjectCommand, {
      Key: `${PREFIX}slug.tgz`,
      ChecksumAlgorithm: "SHA256",
      ChecksumSHA256: sha256("slug bytes").toString("base64"),
    });
    expect(s3).toHaveReceivedCommandWith(PutObjectCommand, { Key: `${PREFIX}manifest.json`, IfNoneMatch: "*" });
    expect(result.outcome).toBe("created");
    expect(writtenManifest()).toMatchObject({
      releaseId: "3f2c1ab9e0d4",
      commit: "3f2c1ab9e0d4c5b6a7f8e9d0c1b2a3f4e5d6c7b8",
      slug: { key: `${PREFIX}slug.tgz`, sha256: sha256("slug bytes").toString("hex"), size: 10 },
      environment: { key: `${PREFIX}env`, size: 10 },
      source: { kind: "ref", ref: "main" },
    });
  });

  it("leaves a release with the same content as it is: already exists, nothing written", async () => {
    s3.on(GetObjectCommand).rejects(missing("NoSuchKey"));
    s3.on(PutObjectCommand).resolves({});
    await putRelease(upload());
    const manifest = writtenManifest();
    s3.reset();
    s3.on(GetObjectCommand, { Key: `${PREFIX}manifest.json` }).resolves(body(JSON.stringify(manifest)));

    const again = await putRelease(upload({ createdAt: "2026-12-03T00:00:00.000Z", source: { kind: "dir", dir: "build" } }));

    expect(again.outcome).toBe("exists");
    expect(s3).not.toHaveReceivedCommand(PutObjectCommand);
  });

  it("rejects the same release id with other content, writing nothing", async () => {
    s3.on(GetObjectCommand).rejects(missing("NoSuchKey"));
    s3.on(PutObjectCommand).resolves({});
    await putRelease(upload());
    const manifest = writtenManifest();
    s3.reset();
    s3.on(GetObjectCommand, { Key: `${PREFIX}manifest.json` }).resolves(body(JSON.stringify(manifest)));

    await expect(putRelease(upload({ slug: Buffer.from("other bytes") }))).rejects.toThrow(ReleaseConflictError);
    expect(s3).not.toHaveReceivedCommand(PutObjectCommand);
  });

  it("fails naming the bucket and the permission when the bucket refuses a write, and never writes the manifest", async () => {
    s3.on(GetObjectCommand).rejects(missing("NoSuchKey"));
    s3.on(PutObjectCommand, { Key: `${PREFIX}slug.tgz` }).resolves({});
    s3.on(PutObjectCommand, { Key: `${PREFIX}env` }).rejects(denied());

    const failure = putRelease(upload());

    await expect(failure).rejects.toThrow(ReleaseStoreUnavailableError);
    await expect(failure).rejects.toThrow(`Could not write s3://${BUCKET}/${PREFIX} (AccessDenied: Access Denied)`);
    expect(s3.commandCalls(PutObjectCommand).map((call) => call.args[0].input.Key)).not.toContain(`${PREFIX}manifest.json`);
  });

  it("fails at once, saying what to set, without a release bucket", async () => {
    provideRuntime(createRuntime({ env: { logLevel: "SILENT" } }));

    await expect(putRelease(upload())).rejects.toThrow(ReleaseStoreNotConfiguredError);
    await expect(putRelease(upload())).rejects.toThrow("set GANTRY_RELEASE_BUCKET to the stack's output ReleaseBucketName");
  });
});

describe("checkReleaseBuilt", () => {
  it("passes when the manifest and the slug exist (HeadObject, no bytes read)", async () => {
    s3.on(HeadObjectCommand).resolves({});

    await checkReleaseBuilt("hello", "prod", "3f2c1ab9e0d4");

    expect(s3).toHaveReceivedCommandWith(HeadObjectCommand, { Bucket: BUCKET, Key: `${PREFIX}manifest.json` });
    expect(s3).toHaveReceivedCommandWith(HeadObjectCommand, { Bucket: BUCKET, Key: `${PREFIX}slug.tgz` });
    expect(s3).not.toHaveReceivedCommand(GetObjectCommand);
  });

  it("rejects a release without a manifest with ReleaseNotBuiltError naming the key and the command that builds it", async () => {
    s3.on(HeadObjectCommand).rejects(missing("NotFound"));

    await expect(checkReleaseBuilt("hello", "prod", "3f2c1ab9e0d4")).rejects.toThrow(
      new ReleaseNotBuiltError(
        `Release 3f2c1ab9e0d4 of hello/prod is not built: s3://${BUCKET}/${PREFIX}manifest.json does not exist; build it with: gantry release create hello prod --ref 3f2c1ab9e0d4`,
      ),
    );
  });

  it("rejects a release whose slug is gone though its manifest is there", async () => {
    s3.on(HeadObjectCommand, { Key: `${PREFIX}manifest.json` }).resolves({});
    s3.on(HeadObjectCommand, { Key: `${PREFIX}slug.tgz` }).rejects(missing("NotFound"));

    await expect(checkReleaseBuilt("hello", "prod", "3f2c1ab9e0d4")).rejects.toThrow(`s3://${BUCKET}/${PREFIX}slug.tgz does not exist`);
  });
});

describe("fetchRelease", () => {
  it("refuses a slug that does not match its manifest's checksum", async () => {
    s3.on(GetObjectCommand).rejects(missing("NoSuchKey"));
    s3.on(PutObjectCommand).resolves({});
    await putRelease(upload());
    const manifest = writtenManifest();
    s3.reset();
    s3.on(GetObjectCommand, { Key: `${PREFIX}manifest.json` }).resolves(body(JSON.stringify(manifest)));
    s3.on(GetObjectCommand, { Key: `${PREFIX}slug.tgz` }).resolves(body("tampered!!"));

    await expect(fetchRelease("hello", "prod", "3f2c1ab9e0d4")).rejects.toThrow(ReleaseCorruptError);
  });
});

describe("pointCurrent", () => {
  it("writes the release id to <app>/<env>/current", async () => {
    s3.on(PutObjectCommand).resolves({});

    await pointCurrent("hello", "prod", "3f2c1ab9e0d4");

    expect(s3).toHaveReceivedCommandWith(PutObjectCommand, { Bucket: BUCKET, Key: "hello/prod/current", Body: Buffer.from("3f2c1ab9e0d4\n") });
  });

  it("fails naming the key when the bucket refuses the write", async () => {
    s3.on(PutObjectCommand).rejects(denied());

    await expect(pointCurrent("hello", "prod", "3f2c1ab9e0d4")).rejects.toThrow(`Could not write s3://${BUCKET}/hello/prod/current`);
  });
});
