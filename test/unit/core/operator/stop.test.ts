import { describe, expect, it } from "vitest";
import { DeployAbortedError, RolloutDeadlineError } from "../../../../functions/core/errors.js";
import { abortFor, enforceRolloutDeadline, ROLLOUT_DEADLINE_SECONDS } from "../../../../functions/core/operator/stop.js";

const T0 = Date.parse("2026-12-02T09:00:00Z");

describe("stopping a run from outside", () => {
  it("turns an abort for this execution into DeployAbortedError, and nothing else into an error", () => {
    const abort = { kind: "abort" as const, execution: "shop-prod-r1", by: "arn:aws:sts::123456789012:assumed-role/ops/ana", at: T0 };
    const error = abortFor({ ...abort, reason: "error rate" }, "shop-prod-r1");
    expect(error).toBeInstanceOf(DeployAbortedError);
    expect(error?.message).toBe("Aborted by arn:aws:sts::123456789012:assumed-role/ops/ana at 2026-12-02T09:00:00.000Z: error rate");
    expect(abortFor(abort, "shop-prod-r1")?.message).toBe("Aborted by arn:aws:sts::123456789012:assumed-role/ops/ana at 2026-12-02T09:00:00.000Z");
    expect(abortFor(abort, "shop-prod-r2")).toBeUndefined();
    expect(abortFor({ ...abort, kind: "approve" }, "shop-prod-r1")).toBeUndefined();
    expect(abortFor({ ...abort, kind: "rollback" }, "shop-prod-r1")?.message).toMatch(
      /^Rollback requested by arn:aws:sts::123456789012:assumed-role\/ops\/ana at /,
    );
  });

  it("lets a rollout run to exactly 12 h and stops it one second later", () => {
    expect(ROLLOUT_DEADLINE_SECONDS).toBe(43_200);
    expect(() => enforceRolloutDeadline(T0, T0 + 43_200_000)).not.toThrow();
    expect(() => enforceRolloutDeadline(T0, T0 + 43_201_000)).toThrow(RolloutDeadlineError);
    expect(() => enforceRolloutDeadline(T0, T0 + 50_000_000)).toThrow(
      /has run 13 h 53 min since its plan \(2026-12-02T09:00:00.000Z\), past its deadline of 12 h 00 min/,
    );
  });
});
