import { describe, expect, it } from "vitest";
import { InvalidConfigChangeError } from "../../../../functions/core/errors.js";
import { configReleaseId, nextConfigReleaseId, parsePinsFile, pinsFile, releaseIdParts } from "../../../../functions/core/releases/config-release.js";
import { isReleaseId } from "../../../../functions/core/releases/release-id.js";
import { parseReleaseLabel } from "../../../../functions/core/releases/releases.js";

describe("configuration release ids", () => {
  it("are the commit's release id with the configuration's generation, and still release ids", () => {
    expect(configReleaseId("3f2c1ab9e8d7", 2)).toBe("3f2c1ab9e8d7-c2");
    expect(configReleaseId("3f2c1ab9e8d7", 0)).toBe("3f2c1ab9e8d7");
    expect(releaseIdParts("3f2c1ab9e8d7-c2")).toEqual({ commit: "3f2c1ab9e8d7", generation: 2 });
    expect(releaseIdParts("3f2c1ab9e8d7")).toEqual({ commit: "3f2c1ab9e8d7", generation: 0 });
    expect(isReleaseId("3f2c1ab9e8d7-c2")).toBe(true);
  });

  it("never share a form with release numbers, either way", () => {
    for (const id of ["3f2c1ab9e8d7", "3f2c1ab9e8d7-c1", "3f2c1ab9e8d7-c12"]) expect(parseReleaseLabel(id)).toBeUndefined();
    for (const label of ["v1", "v12", "12", "c1", "3f2c1ab9e8d7-c0", "3f2c1ab9e8d7-v1", "3F2C1AB9E8D7-c1"]) expect(releaseIdParts(label)).toBeUndefined();
  });

  it("take the generation after the highest any release of the same commit has, so a change after a rollback never reuses an id", () => {
    expect(nextConfigReleaseId("3f2c1ab9e8d7", [])).toBe("3f2c1ab9e8d7-c1");
    expect(nextConfigReleaseId("3f2c1ab9e8d7-c2", ["3f2c1ab9e8d7-c3", "aaaaaaaaaaaa-c9"])).toBe("3f2c1ab9e8d7-c4");
  });

  it("rejects a base that is not a release id", () => {
    expect(() => nextConfigReleaseId("v2", [])).toThrow(InvalidConfigChangeError);
  });
});

describe("pinsFile", () => {
  it("lists one SSM selector per variable, in name order, with no values, and reads back", () => {
    const text = pinsFile("hello", "prod", { TOKEN: 1, GREETING: 3 });

    expect(text).toBe("/gantry/hello/prod/env/GREETING:3\n/gantry/hello/prod/env/TOKEN:1\n");
    expect(parsePinsFile("hello", "prod", text)).toEqual({ GREETING: 3, TOKEN: 1 });
    expect(pinsFile("hello", "prod", {})).toBe("");
  });

  it("rejects a line that is not a selector under the app/env's path", () => {
    expect(() => parsePinsFile("hello", "prod", "GREETING=hi\n")).toThrow(InvalidConfigChangeError);
    expect(() => parsePinsFile("hello", "prod", "/gantry/other/prod/env/A:1\n")).toThrow(/not an SSM selector under \/gantry\/hello\/prod\/env\//);
  });
});
