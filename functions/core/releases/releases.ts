/**
 * Release history as data: per app/env, releases are numbered v1, v2, … in the order their
 * deploys start, and each ends with one final status.
 */

export const RELEASE_STATUSES = ["deploying", "deployed", "rolled back", "failed", "superseded"] as const;
export type ReleaseStatus = (typeof RELEASE_STATUSES)[number];
export type FinalStatus = Exclude<ReleaseStatus, "deploying">;

/** Who or what started the deploy: the execution input's `trigger`. */
export interface ReleaseTrigger {
  source: string;
  actor?: string;
  deliveryId?: string;
}

/** What a deploy knows about itself when it starts. */
export interface ReleaseStart {
  app: string;
  env: string;
  /** The deployed id, e.g. a commit sha prefix. */
  releaseId: string;
  commit?: string;
  ref?: string;
  imageId?: string;
  trigger: ReleaseTrigger;
  /** The execution name: one execution records at most one release. */
  execution: string;
  /** ISO 8601. */
  startedAt: string;
}

/** One numbered release. */
export interface ReleaseRecord extends ReleaseStart {
  number: number;
  /** `v<number>`, what people type. */
  label: string;
  status: ReleaseStatus;
  finishedAt?: string;
  cause?: string;
}

/** `v12` for release 12. */
export function releaseLabel(number: number): string {
  return `v${number}`;
}

/** The number a label names: `v12`, `V12`, `12` or 12; undefined for anything else. */
export function parseReleaseLabel(label: string | number): number | undefined {
  const text = String(label).trim();
  const match = /^[vV]?([1-9]\d{0,9})$/.exec(text);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

/** A release's first record, before it finishes. */
export function startedRelease(start: ReleaseStart, number: number): ReleaseRecord {
  return { ...start, number, label: releaseLabel(number), status: "deploying" };
}

/**
 * The statuses a release may be in when it finishes as `status`. A deploying release takes
 * any final status; a deployed one may later be marked rolled back, and so may a failed one
 * (its rollback failed, and a recovery put the group back). Anything else already ended, and
 * its first ending stands.
 */
export function finishableFrom(status: FinalStatus): ReleaseStatus[] {
  // A recovery ends a rollout whose own rollback failed: its release is rolled back after all.
  return status === "rolled back" ? ["deploying", "deployed", "failed"] : ["deploying"];
}
