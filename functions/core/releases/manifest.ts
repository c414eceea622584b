import * as z from "zod";
import { ReleaseCorruptError } from "../errors.js";
import { RELEASE_ID } from "./config-release.js";

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, "is not a SHA-256 in lowercase hex");

const objectSchema = z.strictObject({
  key: z.string().min(1),
  sha256: sha256Hex,
  size: z.number().int().nonnegative(),
});

const sourceSchema = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("ref"), ref: z.string().min(1) }),
  z.strictObject({ kind: z.literal("dir"), dir: z.string().min(1) }),
  /** A configuration change: the slug of release `base`, with the environment as SSM holds it after the change. */
  z.strictObject({ kind: z.literal("config"), base: z.string().regex(RELEASE_ID) }),
]);

/**
 * What `manifest.json` says about a release. Written last, after the slug and the env, so its
 * presence means both are complete; the checksums let a reader prove the objects are the ones it
 * describes.
 */
export const manifestSchema = z.strictObject({
  format: z.literal(1),
  app: z.string().min(1),
  env: z.string().min(1),
  releaseId: z.string().regex(RELEASE_ID, "is not a release id (12 lowercase hex characters, optionally -c<N>)"),
  /** The full commit the release was built from, when known. */
  commit: z
    .string()
    .regex(/^[0-9a-f]{40}(?:[0-9a-f]{24})?$/)
    .optional(),
  source: sourceSchema,
  slug: objectSchema,
  environment: objectSchema,
  /** ISO 8601. */
  createdAt: z.iso.datetime(),
});

export type ReleaseManifest = z.infer<typeof manifestSchema>;
export type ReleaseSource = z.infer<typeof sourceSchema>;

/** The manifest in `text`, or ReleaseCorruptError naming `where` and the first wrong field. */
export function parseManifest(text: string, where: string): ReleaseManifest {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ReleaseCorruptError(`${where} is not JSON; rebuild the release with gantry release create.`, { cause: error });
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue?.path.join(".") || "(root)";
    throw new ReleaseCorruptError(
      `${where} is not a gantry release manifest (${path} ${issue?.message ?? "is wrong"}); rebuild the release with gantry release create.`,
    );
  }
  return parsed.data;
}

/** Whether two manifests describe the same content: same slug and env bytes. Times and sources may differ. */
export function sameContent(a: ReleaseManifest, b: Pick<ReleaseManifest, "slug" | "environment">): boolean {
  return (
    a.slug.sha256 === b.slug.sha256 && a.slug.size === b.slug.size && a.environment.sha256 === b.environment.sha256 && a.environment.size === b.environment.size
  );
}
