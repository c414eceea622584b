import { describe, expect, it } from "vitest";
import { planBatchSizes } from "../../../../functions/core/rollout/batches.js";
import { approvalBatches, approvalCheckpoint, approvalMessage, approvalTimeoutProblem } from "../../../../functions/core/rollout/approvals.js";

describe("approvalBatches", () => {
  it("pauses after the batches that reach each step, read as batches reads them", () => {
    const sizes = planBatchSizes([1, "25%", "100%"], 40);
    expect(sizes).toEqual([1, 9, 30]);
    expect(approvalBatches([1, "25%"], sizes, 40)).toEqual([0, 1]);
    // A step inside a batch pauses after that batch; duplicates collapse; past the end means the last.
    expect(approvalBatches(["10%", 5, 10], sizes, 40)).toEqual([1]);
    expect(approvalBatches([500], sizes, 40)).toEqual([2]);
    expect(approvalBatches(undefined, sizes, 40)).toEqual([]);
    expect(approvalBatches([1], [], 0)).toEqual([]);
  });
});

describe("approval checkpoints", () => {
  it("says when it times out, and the alerts message names both commands", () => {
    const at = Date.UTC(2026, 0, 6, 9, 0, 0);
    const checkpoint = approvalCheckpoint(0, 3, "2h", at);
    expect(checkpoint).toMatchObject({ batch: 1, of: 3, timeoutSeconds: 7200, askedAt: at });
    expect(checkpoint.timeoutCause).toBe("No answer at the approval checkpoint after batch 1 of 3 within 2h (strategy.approvalTimeout)");
    const { subject, message } = approvalMessage({ app: "hello", env: "prod", release: "b7d2e4f01c68", label: "v7", execution: "hello-prod-x", checkpoint });
    expect(subject).toBe("gantry: hello/prod v7 (b7d2e4f01c68) waits for approval after batch 1 of 3");
    expect(message).toContain("waits for a person until 2026-01-06T11:00:00Z; with no answer by then it rolls back.");
    expect(message).toContain("Approve: gantry approve hello-prod-x");
    expect(message).toContain('Reject:  gantry reject hello-prod-x --reason "…"');
    expect(approvalTimeoutProblem("0m")).toContain("is not a duration");
    expect(approvalTimeoutProblem("7d")).toBeUndefined();
  });
});
