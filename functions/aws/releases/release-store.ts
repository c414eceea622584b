import { createHash } from "node:crypto";
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import {
  AwsThrottledError,
  AwsTransientError,
  ReleaseConflictError,
  ReleaseCorruptError,
  ReleaseNotBuiltError,
  ReleaseStoreNotConfiguredError,
  ReleaseStoreUnavailableError,
} from "../../core/errors.js";
import { parseManifest, sameContent, type ReleaseManifest, type ReleaseSource } from "../../core/releases/manifest.js";
import { isReleaseId } from "../../core/releases/release-id.js";
import { currentKey, releaseCreateCommand, releaseKeys, type ReleaseKeys } from "../../core/releases/release-keys.js";
import { classifyAwsError } from "../errors.js";
import { runtime } from "../runtime.js";

/** What `putRelease` uploads: the packed app and its environment file, with where they came from. */
export interface ReleaseUpload {
  app: string;
  env: string;
  releaseId: string;
  commit?: string;
  source: ReleaseSource;
  slug: Uint8Array;
  environment: Uint8Array;
  /** ISO 8601: the runtime's clock, passed in. */
  createdAt: string;
}

export interface PutReleaseResult {
  /** `exists` when a release with this id and the same content was already stored: nothing was written. */
  outcome: "created" | "exists";
  manifest: ReleaseManifest;
  bucket: string;
}

/** A release read back whole, its bytes proven against the manifest. */
export interface FetchedRelease {
  manifest: ReleaseManifest;
  slug: Uint8Array;
  environment: Uint8Array;
}

/** Whether this runtime has a release store: on AWS the stack always sets GANTRY_RELEASE_BUCKET for the steps that use it. */
export function releaseStoreConfigured(): boolean {
  return Boolean(runtime().env.releaseBucket);
}

/** The release bucket this runtime uses: GANTRY_RELEASE_BUCKET, or the CLI's from the stack output. */
export function releaseBucketName(): string {
  const bucket = runtime().env.releaseBucket;
  if (!bucket) {
    throw new ReleaseStoreNotConfiguredError(
      "No release bucket is configured: set GANTRY_RELEASE_BUCKET to the stack's output ReleaseBucketName (or deploy the stack that creates it).",
    );
  }
  return bucket;
}

const s3 = () => runtime().client(S3Client);

function sha256(bytes: Uint8Array): { hex: string; base64: string } {
  const digest = createHash("sha256").update(bytes).digest();
  return { hex: digest.toString("hex"), base64: digest.toString("base64") };
}

function isNotFound(error: unknown): boolean {
  const name = (error as { name?: string }).name;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return name === "NotFound" || name === "NoSuchKey" || (status === 404 && name !== "NoSuchBucket");
}

function isPreconditionFailed(error: unknown): boolean {
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return (error as { name?: string }).name === "PreconditionFailed" || status === 412;
}

/** Throttling and outages stay retryable; anything else (no bucket, no permission) names the bucket and the fix. */
function storeFailure(action: string, bucket: string, key: string, error: unknown): Error {
  const classified = classifyAwsError(error);
  if (classified instanceof AwsThrottledError || classified instanceof AwsTransientError) return classified;
  const reason = error instanceof Error ? `${error.name}: ${error.message || "no message"}` : String(error);
  return new ReleaseStoreUnavailableError(
    `Could not ${action} s3://${bucket}/${key} (${reason}); check that the bucket exists (stack output ReleaseBucketName) and that this role may ${action === "write" ? "s3:PutObject" : "s3:GetObject"} on it.`,
    { cause: error },
  );
}

async function getBytes(bucket: string, key: string): Promise<Uint8Array | undefined> {
  try {
    const answer = await s3().send(new GetObjectCommand({ Bucket: bucket, Key: key, ChecksumMode: "ENABLED" }));
    return answer.Body ? await answer.Body.transformToByteArray() : new Uint8Array();
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw storeFailure("read", bucket, key, error);
  }
}

async function exists(bucket: string, key: string): Promise<boolean> {
  try {
    await s3().send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return true;
  } catch (error) {
    if (isNotFound(error)) return false;
    throw storeFailure("read", bucket, key, error);
  }
}

async function putBytes(bucket: string, key: string, body: Uint8Array, contentType: string, onlyIfAbsent = false): Promise<void> {
  await s3().send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: key,
      Body: body,
      ContentType: contentType,
      // S3 checks the body against this before it stores anything: a torn upload is refused, not kept.
      ChecksumAlgorithm: "SHA256",
      ChecksumSHA256: sha256(body).base64,
      ...(onlyIfAbsent ? { IfNoneMatch: "*" } : {}),
    }),
  );
}

/** The manifest of a release, or undefined when none is stored (the release does not exist). */
export async function readManifest(app: string, env: string, releaseId: string): Promise<ReleaseManifest | undefined> {
  const bucket = releaseBucketName();
  const key = releaseKeys(app, env, releaseId).manifest;
  const bytes = await getBytes(bucket, key);
  return bytes === undefined ? undefined : parseManifest(Buffer.from(bytes).toString("utf8"), `s3://${bucket}/${key}`);
}

/**
 * Proves a release is built before a deploy changes anything: its slug and its manifest exist
 * (HeadObject each, no bytes read). Throws ReleaseNotBuiltError naming the missing key and the
 * command that builds it.
 */
export async function checkReleaseBuilt(app: string, env: string, releaseId: string): Promise<ReleaseKeys> {
  const bucket = releaseBucketName();
  const keys = releaseKeys(app, env, releaseId);
  for (const key of [keys.manifest, keys.slug]) {
    if (!(await exists(bucket, key))) {
      throw new ReleaseNotBuiltError(
        `Release ${releaseId} of ${app}/${env} is not built: s3://${bucket}/${key} does not exist; build it with: ${releaseCreateCommand(app, env, releaseId)}`,
      );
    }
  }
  return keys;
}

/**
 * Stores a release: the slug, then the env, then the manifest, so a reader never finds a
 * manifest whose objects are missing. Idempotent: the same id with the same content is left as
 * it is ("exists"); the same id with other content is refused with ReleaseConflictError, since
 * a release never changes once written. The manifest is written only if absent, so two uploads
 * racing on one id cannot both win.
 */
export async function putRelease(upload: ReleaseUpload): Promise<PutReleaseResult> {
  const bucket = releaseBucketName();
  const keys = releaseKeys(upload.app, upload.env, upload.releaseId);
  const manifest: ReleaseManifest = {
    format: 1,
    app: upload.app,
    env: upload.env,
    releaseId: upload.releaseId,
    ...(upload.commit ? { commit: upload.commit } : {}),
    source: upload.source,
    slug: { key: keys.slug, sha256: sha256(upload.slug).hex, size: upload.slug.byteLength },
    environment: { key: keys.env, sha256: sha256(upload.environment).hex, size: upload.environment.byteLength },
    createdAt: upload.createdAt,
  };
  const existing = await readManifest(upload.app, upload.env, upload.releaseId);
  if (existing) return settled(existing, manifest, bucket);
  try {
    await putBytes(bucket, keys.slug, upload.slug, "application/gzip");
    await putBytes(bucket, keys.env, upload.environment, "text/plain; charset=utf-8");
    await putBytes(bucket, keys.manifest, Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`), "application/json", true);
  } catch (error) {
    if (isPreconditionFailed(error)) {
      const winner = await readManifest(upload.app, upload.env, upload.releaseId);
      if (winner) return settled(winner, manifest, bucket);
    }
    throw storeFailure("write", bucket, keys.prefix, error);
  }
  return { outcome: "created", manifest, bucket };
}

function settled(existing: ReleaseManifest, wanted: ReleaseManifest, bucket: string): PutReleaseResult {
  if (sameContent(existing, wanted)) return { outcome: "exists", manifest: existing, bucket };
  throw new ReleaseConflictError(
    `Release ${wanted.releaseId} of ${wanted.app}/${wanted.env} already exists in s3://${bucket} with other content (slug sha256 ${existing.slug.sha256.slice(0, 12)}…, env sha256 ${existing.environment.sha256.slice(0, 12)}…); a release never changes: commit the change and create the new commit's release.`,
  );
}

/** Reads a whole release and proves its slug and env against the manifest's checksums, as the bootstrap does. */
export async function fetchRelease(app: string, env: string, releaseId: string): Promise<FetchedRelease> {
  const bucket = releaseBucketName();
  const manifest = await readManifest(app, env, releaseId);
  const keys = releaseKeys(app, env, releaseId);
  if (!manifest) {
    throw new ReleaseNotBuiltError(
      `Release ${releaseId} of ${app}/${env} is not built: s3://${bucket}/${keys.manifest} does not exist; build it with: ${releaseCreateCommand(app, env, releaseId)}`,
    );
  }
  const read = async (key: string, expected: { sha256: string; size: number }): Promise<Uint8Array> => {
    const bytes = await getBytes(bucket, key);
    if (bytes === undefined) throw new ReleaseCorruptError(`s3://${bucket}/${key} is missing though its manifest exists; rebuild the release.`);
    if (bytes.byteLength !== expected.size || sha256(bytes).hex !== expected.sha256) {
      throw new ReleaseCorruptError(`s3://${bucket}/${key} does not match its manifest's sha256 ${expected.sha256}; rebuild the release.`);
    }
    return bytes;
  };
  return { manifest, slug: await read(keys.slug, manifest.slug), environment: await read(keys.env, manifest.environment) };
}

/** The release id `<app>/<env>/current` names, or undefined when no deploy has succeeded yet. */
export async function readCurrent(app: string, env: string): Promise<string | undefined> {
  const bucket = releaseBucketName();
  const bytes = await getBytes(bucket, currentKey(app, env));
  if (bytes === undefined) return undefined;
  const id = Buffer.from(bytes).toString("utf8").trim();
  return isReleaseId(id) ? id : undefined;
}

/** Points `<app>/<env>/current` at a release: one small PutObject, so a reader sees the old id or the new one, never half. */
export async function pointCurrent(app: string, env: string, releaseId: string): Promise<void> {
  const bucket = releaseBucketName();
  const key = currentKey(app, env);
  try {
    await putBytes(bucket, key, Buffer.from(`${releaseId}\n`), "text/plain; charset=utf-8");
  } catch (error) {
    throw storeFailure("write", bucket, key, error);
  }
}
