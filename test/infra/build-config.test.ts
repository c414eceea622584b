import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { buildFunctions } from "../../scripts/build.mjs";

const dir = mkdtempSync(join(tmpdir(), "gantry-build-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("buildFunctions", () => {
  it("bundles the configuration it is given into the functions that route by it, keeping error names", async () => {
    const configFile = join(dir, "other.config.ts");
    const coreConfig = resolve("functions/core/config/config.js");
    writeFileSync(
      configFile,
      `import { defineConfig } from ${JSON.stringify(coreConfig)};
export default defineConfig({ apps: { other: { repository: "octo-org/only-in-other-config", environments: { prod: { branch: "main", region: "eu-west-1",
  group: { autoScalingGroupName: "other-prod", targetGroupArns: ["arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/other/1"] } } } } } });
`,
    );

    const { outdir } = await buildFunctions({ outdir: join(dir, "dist"), configFile });

    for (const name of ["webhook", "power-plan"]) {
      const bundle = readFileSync(join(outdir, name, "index.mjs"), "utf8");
      expect(bundle, name).toContain("octo-org/only-in-other-config");
      expect(bundle, name).not.toContain("hello-prod-1");
    }
    // Step Functions' Retry and Catch match error class names: the bundle must keep them.
    const { handler } = (await import(pathToFileURL(join(outdir, "power-plan", "index.mjs")).href)) as {
      handler: (event: unknown, context: object) => Promise<unknown>;
    };
    await expect(handler({ schedule: "office-hours", action: "restart" }, {})).rejects.toMatchObject({ name: "InvalidPowerInputError" });
  }, 60_000);
});
