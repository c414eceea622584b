import { describe, expect, it } from "vitest";
import { decideKeepOld, keepOldForProblem, rollbackRequested } from "../../../../functions/core/rollout/keep-old.js";

const T0 = Date.parse("2026-12-02T10:00:00Z");

describe("the rollback window after success", () => {
  it("keeps the old instances until the window ends, checking about 120 times over it", () => {
    expect(decideKeepOld("30m", T0, T0, 4)).toEqual({ keep: true, until: T0 + 1_800_000, waitSeconds: 15 });
    expect(decideKeepOld("12h", T0, T0, 4)).toEqual({ keep: true, until: T0 + 43_200_000, waitSeconds: 300 });
    expect(decideKeepOld("30m", T0, T0 + 1_795_000, 4)).toEqual({ keep: true, until: T0 + 1_800_000, waitSeconds: 5 });
    expect(decideKeepOld("30m", T0, T0 + 1_800_000, 4)).toEqual({ keep: false });
    expect(decideKeepOld("30m", T0, T0, 0)).toEqual({ keep: false });
    expect(decideKeepOld(undefined, T0, T0, 4)).toEqual({ keep: false });
  });

  it("names what is wrong with a keepOldFor", () => {
    expect(keepOldForProblem("45m")).toBeUndefined();
    expect(keepOldForProblem("12h")).toBeUndefined();
    expect(keepOldForProblem("721m")).toMatch(/longer than the maximum of 12h/);
    expect(keepOldForProblem("30")).toMatch(/not a duration such as "30m"/);
  });

  it("says who asked for the rollback, when, inside which window and why", () => {
    expect(rollbackRequested("ada", T0, "conversion down", "90m")).toEqual({
      Error: "RollbackRequestedError",
      Cause: "Rollback requested by ada at 2026-12-02T10:00:00.000Z inside the 1h 30m window after the last batch: conversion down",
    });
  });
});
