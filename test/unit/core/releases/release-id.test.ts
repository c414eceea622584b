import { describe, expect, it } from "vitest";
import { InvalidReleaseIdError } from "../../../../functions/core/errors.js";
import { currentAfter } from "../../../../functions/core/releases/current.js";
import { parseManifest } from "../../../../functions/core/releases/manifest.js";
import { isReleaseId, parseReleaseId, releaseIdOf, reportsRelease } from "../../../../functions/core/releases/release-id.js";
import { parseReleaseLabel } from "../../../../functions/core/releases/releases.js";

const COMMIT = "3f2c1ab9e0d4c5b6a7f8e9d0c1b2a3f4e5d6c7b8";

describe("the release-id rule", () => {
  it("is the first 12 lowercase hex characters of the commit", () => {
    expect(releaseIdOf(COMMIT.toUpperCase())).toBe("3f2c1ab9e0d4");
    expect(parseReleaseId(COMMIT)).toBe("3f2c1ab9e0d4");
    expect(parseReleaseId("3f2c1ab9e0d4")).toBe("3f2c1ab9e0d4");
  });

  it("rejects a short SHA, a release number and anything else, naming the value and the rule", () => {
    expect(() => parseReleaseId("3f2c1ab")).toThrow(InvalidReleaseIdError);
    expect(() => parseReleaseId("v3")).toThrow('"v3" is not a release id: a release id is the first 12 lowercase hex characters of the commit');
    expect(() => releaseIdOf("main")).toThrow('"main" is not a full commit SHA');
  });

  it("never shares a form with a release number", () => {
    for (const label of ["v1", "v12", "V3", "7"]) {
      expect(parseReleaseLabel(label)).toBeDefined();
      expect(isReleaseId(label)).toBe(false);
    }
    expect(parseReleaseLabel("3f2c1ab9e0d4")).toBeUndefined();
  });

  it("lets /version report the release id or the full commit it was cut from, nothing else", () => {
    expect(reportsRelease("3f2c1ab9e0d4", "3f2c1ab9e0d4")).toBe(true);
    expect(reportsRelease(COMMIT, "3f2c1ab9e0d4")).toBe(true);
    expect(reportsRelease("3f2c1ab", "3f2c1ab9e0d4")).toBe(false);
    expect(reportsRelease("9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d", "3f2c1ab9e0d4")).toBe(false);
  });
});

describe("currentAfter", () => {
  it("points current at the deployed release, or after a rollback at the release the group went back to", () => {
    expect(currentAfter("deployed", "b7d2e4f01c68", "a1f3c9e07b24")).toBe("b7d2e4f01c68");
    expect(currentAfter("rolled back", "c3e9a5d28f10", "b7d2e4f01c68")).toBe("b7d2e4f01c68");
  });

  it("leaves current as it was after a failure, or when the release is not a release id", () => {
    expect(currentAfter("failed", "c3e9a5d28f10", "b7d2e4f01c68")).toBeUndefined();
    expect(currentAfter(undefined, "c3e9a5d28f10", "b7d2e4f01c68")).toBeUndefined();
    expect(currentAfter("rolled back", "c3e9a5d28f10", null)).toBeUndefined();
    expect(currentAfter("deployed", "v2", "v1")).toBeUndefined();
  });
});

describe("parseManifest", () => {
  it("rejects a manifest gantry did not write, naming where and the field", () => {
    expect(() => parseManifest("{}", "s3://b/hello/prod/3f2c1ab9e0d4/manifest.json")).toThrow(
      /s3:\/\/b\/hello\/prod\/3f2c1ab9e0d4\/manifest.json is not a gantry release manifest \(format/,
    );
    expect(() => parseManifest("not json", "here")).toThrow("here is not JSON");
  });
});
