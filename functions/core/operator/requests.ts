/**
 * What a person asked of one running execution from outside it: stop and roll back, roll back
 * during the window after success, approve or reject at a checkpoint. The execution's own steps
 * read the request when they next run; nothing is pushed into a running execution.
 */
export type OperatorRequestKind = "abort" | "rollback" | "approve" | "reject";

export interface OperatorRequest {
  kind: OperatorRequestKind;
  /** The execution name the request is for: a request never reaches another execution. */
  execution: string;
  /** Who asked: the IAM identity on AWS, the user name locally, the chat user. */
  by: string;
  reason?: string;
  /** Epoch milliseconds. */
  at: number;
  /** Approvals only: the checkpoint (the batch number it follows) the answer is for. */
  checkpoint?: number;
}

/**
 * Where requests are kept: the gantry table on AWS (`functions/aws/operator/requests.ts`), files
 * under the local state directory for local commands run in separate processes. The newest
 * request of an execution replaces any earlier one. Requests are never deleted: each is keyed by
 * its execution's name, which no later execution reuses, so a stale one reaches nothing.
 */
export interface OperatorRequestStore {
  put(app: string, env: string, request: OperatorRequest): Promise<void>;
  read(app: string, env: string, execution: string): Promise<OperatorRequest | undefined>;
}

const KINDS: readonly OperatorRequestKind[] = ["abort", "rollback", "approve", "reject"];

/** A stored request read back, or undefined when what is stored is not one (a hand-edited file). */
export function asOperatorRequest(value: unknown): OperatorRequest | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const record = value as Record<string, unknown>;
  if (!KINDS.includes(record.kind as OperatorRequestKind)) return undefined;
  if (typeof record.execution !== "string" || typeof record.by !== "string" || typeof record.at !== "number") return undefined;
  return {
    kind: record.kind as OperatorRequestKind,
    execution: record.execution,
    by: record.by,
    at: record.at,
    ...(typeof record.reason === "string" ? { reason: record.reason } : {}),
    ...(typeof record.checkpoint === "number" ? { checkpoint: record.checkpoint } : {}),
  };
}
