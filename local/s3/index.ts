import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import S3rver from "s3rver";

/** The bucket local mode keeps releases in, as the stack's ReleaseBucketName names it on AWS. */
export const LOCAL_RELEASE_BUCKET = "gantry-releases";

/** A running s3rver holding the release bucket. */
export interface LocalS3 {
  endpoint: string;
  bucket: string;
  /** Where the objects live on disk. */
  directory: string;
  close(): Promise<void>;
}

/** Local S3 was started twice at once, or could not start. */
export class LocalS3Error extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "LocalS3Error";
  }
}

let running: string | undefined;
let session: Promise<LocalS3> | undefined;

/**
 * Where this process's s3rver listens, for the `endpoint` of local mode's S3 client
 * (local/runtime.ts): asked on every request, so a client made before the server started
 * reaches it. Fails loudly, rather than reaching AWS, when none runs.
 */
export async function localS3Endpoint(): Promise<{ url: URL }> {
  if (!running) throw new LocalS3Error("Local S3 is not running: start it (ensureLocalS3) before a local step reads or writes the release store.");
  return { url: new URL(running) };
}

/**
 * Starts s3rver, an S3-compatible server, in this process on 127.0.0.1 (random port) with the
 * release bucket, keeping objects under `directory` (a temporary one, removed at close, when
 * none is given). Local mode's runtime sends its S3 calls here, so the release store's adapter
 * runs unchanged: real PutObject, HeadObject and GetObject over HTTP.
 */
export async function startLocalS3(options: { directory?: string } = {}): Promise<LocalS3> {
  if (running !== undefined) throw new LocalS3Error("Local S3 is already running in this process; close it before starting another.");
  running = "";
  const temporary = options.directory === undefined;
  const directory = options.directory ?? mkdtempSync(join(tmpdir(), "gantry-s3-"));
  const server = new S3rver({ address: "127.0.0.1", port: 0, silent: true, directory, configureBuckets: [{ name: LOCAL_RELEASE_BUCKET }] });
  try {
    const { port } = await server.run();
    const endpoint = `http://127.0.0.1:${port}`;
    running = endpoint;
    return {
      endpoint,
      bucket: LOCAL_RELEASE_BUCKET,
      directory,
      close: async () => {
        await server.close();
        running = undefined;
        if (temporary) rmSync(directory, { recursive: true, force: true });
      },
    };
  } catch (error) {
    running = undefined;
    throw new LocalS3Error(`Local S3 did not start in ${directory}: ${String(error)}`, { cause: error });
  }
}

/** One local S3 per process, started on first use (CLI commands keep it in `.gantry/s3`, tests in a temporary directory). */
export function ensureLocalS3(options: { directory?: string } = {}): Promise<LocalS3> {
  session ??= startLocalS3(options).catch((error: unknown) => {
    session = undefined;
    throw error;
  });
  return session;
}

/** Stops the process's local S3, if it runs; its objects stay in its directory unless that was temporary. */
export async function closeLocalS3(): Promise<void> {
  const current = session;
  session = undefined;
  if (current) await (await current).close();
}
