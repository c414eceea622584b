import { describe, expect, it } from "vitest";
import { InvalidCommitError } from "../../../../functions/core/errors.js";
import { isCommitSha, releaseIdOf } from "../../../../functions/core/releases/release-id.js";

describe("releaseIdOf", () => {
  it("is the commit's first 12 hex characters, lowercase", () => {
    expect(releaseIdOf("3484A3FB816E0859FD6E1CEA078D76385FF50625")).toBe("3484a3fb816e");
  });

  it("takes a SHA-256 commit id the same way", () => {
    expect(releaseIdOf("a".repeat(64))).toBe("aaaaaaaaaaaa");
  });

  it.each(["3484a3f", "3484a3fb816e", "refs/heads/main", "g".repeat(40), ""])("rejects %j, which is not a full commit sha", (text) => {
    expect(isCommitSha(text)).toBe(false);
    expect(() => releaseIdOf(text)).toThrow(InvalidCommitError);
  });

  it("names the value and what to give instead", () => {
    expect(() => releaseIdOf("3484a3f")).toThrow('"3484a3f" is not a full commit sha (40 hex characters); give the whole commit id.');
  });
});
