import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadConfigFile } from "../../../functions/config/load.js";

const dir = mkdtempSync(join(tmpdir(), "gantry-config-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe("loadConfigFile", () => {
  it("loads and validates a configuration's default export", async () => {
    const path = file(
      "ok.mjs",
      `export default { apps: { web: { repository: "a/b", environments: { prod: { branch: "main", region: "us-east-1", group: { autoScalingGroupName: "web", targetGroupArns: ["arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/web/1"] } } } } } };`,
    );

    const config = await loadConfigFile(path);

    expect(config.apps.web?.environments.prod?.strategy.batches).toEqual(["25%"]);
  });

  it("fails saying how to create the file when there is none", async () => {
    await expect(loadConfigFile(join(dir, "missing.ts"))).rejects.toThrow(/No configuration at .*missing\.ts; create gantry\.config\.ts/);
  });

  it("fails when the file has no default export", async () => {
    await expect(loadConfigFile(file("none.mjs", "export const apps = {};"))).rejects.toThrow(
      /has no default export; end it with: export default defineConfig/,
    );
  });

  it("fails with the path and value of a wrong setting, naming the file", async () => {
    const path = file(
      "bad.mjs",
      `export default { apps: { web: { repository: "a/b", environments: { prod: { branch: "main", region: "us-east-1", group: { autoScalingGroupName: "web", targetGroupArns: ["x"] } } } } } };`,
    );

    await expect(loadConfigFile(path)).rejects.toThrow(
      /bad\.mjs is invalid:\n {2}apps\.web\.environments\.prod\.group\.targetGroupArns\[0\]: "x" is not an ARN/,
    );
  });
});
