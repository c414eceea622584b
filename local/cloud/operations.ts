import { CloudFault, LocalCloudUnsupportedError, type Service } from "./errors.js";

/** An SDK command's output without `$metadata`, which the dispatcher adds. */
export type Result<T> = Omit<T, "$metadata">;

/** One API operation: takes the command's input, returns its output or throws a CloudFault. */
export type Operation = (input: never) => object;

export type Operations = Record<string, Operation>;

/** Rejects input parameters the model would otherwise silently ignore. */
export function onlyParameters(service: Service, command: string, input: object, allowed: readonly string[]): void {
  for (const [key, value] of Object.entries(input)) {
    if (value !== undefined && !allowed.includes(key)) throw new LocalCloudUnsupportedError(service, command, key);
  }
}

/** ISO-8601 to the second, as AWS writes times into activity causes and suspension reasons. */
export function isoSeconds(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** Orders by code unit, the order `page` compares tokens in (localeCompare would disagree). */
export function byKey<T>(key: (item: T) => string): (a: T, b: T) => number {
  return (a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);
}

/**
 * One page of `items` (sorted with `byKey(key)`) after the item a NextToken points to. Tokens carry the
 * last key rather than an offset, so items appearing or leaving between pages do not shift them.
 */
export function page<T>(
  items: readonly T[],
  key: (item: T) => string,
  limit: number,
  nextToken: string | undefined,
  invalidTokenCode: string,
): { items: T[]; nextToken?: string } {
  let start = 0;
  if (nextToken !== undefined) {
    const after = Buffer.from(nextToken, "base64url").toString("utf8");
    if (!after.startsWith("lc:")) throw new CloudFault(invalidTokenCode, `The token '${nextToken}' is invalid.`);
    const last = after.slice(3);
    start = items.findIndex((item) => key(item) > last);
    if (start < 0) start = items.length;
  }
  const slice = items.slice(start, start + limit);
  const last = slice.at(-1);
  if (start + limit >= items.length || last === undefined) return { items: slice };
  return { items: slice, nextToken: Buffer.from(`lc:${key(last)}`, "utf8").toString("base64url") };
}
