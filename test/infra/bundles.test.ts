import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BUNDLE_BYTES_TARGET } from "../../bench/bundles.js";
import { buildFunctions, functionNames } from "../../scripts/build.mjs";
import { inlineKeyConstants } from "../../scripts/sdk-schemas-plugin.mjs";

const dir = mkdtempSync(join(tmpdir(), "gantry-bundles-"));
let outdir = "";
beforeAll(async () => {
  ({ outdir } = await buildFunctions({ outdir: join(dir, "dist") }));
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Loads a bundle in a fresh node, as the Lambda runtime does (no AWS call: the event is empty,
 * so the step refuses it before reaching AWS), with source maps on as the stack enables them.
 */
function loadAndInvoke(name: string): { handler: string; error?: { name: string; stack: string }; result?: unknown } {
  const url = pathToFileURL(join(outdir, name, "index.mjs")).href;
  const script = `
const bundle = await import(${JSON.stringify(url)});
const report = { handler: typeof bundle.handler };
try { report.result = await bundle.handler({}, {}); } catch (error) { report.error = { name: error.name, stack: String(error.stack) }; }
process.stdout.write(JSON.stringify(report));
`;
  const env = { ...process.env, AWS_REGION: "eu-west-1", POWERTOOLS_LOG_LEVEL: "SILENT", AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" };
  return JSON.parse(execFileSync(process.execPath, ["--enable-source-maps", "--input-type=module", "-e", script], { env, encoding: "utf8" }));
}

const deploySteps = functionNames().filter((name) => !["webhook", "chat", "start-recovery"].includes(name) && !name.startsWith("power-"));

describe("the Lambda bundles", () => {
  it.each(functionNames())("%s stays within the size target and takes its SDK from the ES-module builds", (name) => {
    const file = join(outdir, name, "index.mjs");
    expect(statSync(file).size).toBeLessThanOrEqual(BUNDLE_BYTES_TARGET);
    // The X-Ray SDK (CommonJS) requires Node's built-ins: the banner gives the ES module a require.
    expect(readFileSync(file, "utf8").startsWith("import { createRequire as gantryCreateRequire }")).toBe(true);
    const sources = (JSON.parse(readFileSync(`${file}.map`, "utf8")) as { sources: string[] }).sources;
    expect(sources.some((source) => source.endsWith(`functions/${name}/handler.ts`))).toBe(true);
    expect(sources.filter((source) => /@aws-sdk\/client-[^/]+\/dist-cjs\//.test(source))).toEqual([]);
  });

  it.each(deploySteps)("%s loads, and refuses an empty event by the error name its Retry and Catch match, mapped to the source", (name) => {
    const report = loadAndInvoke(name);
    expect(report.handler).toBe("function");
    expect(report.error?.name).toBe("InvalidDeployInputError");
    expect(report.error?.stack).toMatch(/functions\/core\/config\/input\.ts:\d+/);
  });

  it("start-recovery loads and refuses an event that is no execution's status change, naming what is missing", () => {
    const report = loadAndInvoke("start-recovery");
    expect(report.handler).toBe("function");
    expect(report.error?.name).toBe("InvalidDeployInputError");
    expect(report.error?.stack).toContain("Not a Step Functions status change event: detail");
  });

  it("power-plan refuses an empty event as InvalidPowerInputError", () => {
    expect(loadAndInvoke("power-plan").error?.name).toBe("InvalidPowerInputError");
  });

  it("webhook loads and answers an unsigned request with 401", () => {
    const report = loadAndInvoke("webhook");
    expect(report.error).toBeUndefined();
    expect(report.result).toMatchObject({ statusCode: 401 });
  });

  it("chat loads and answers an unsigned request with 401", () => {
    const report = loadAndInvoke("chat");
    expect(report.error).toBeUndefined();
    expect(report.result).toMatchObject({ statusCode: 401 });
  });

  it.each(["power-act", "power-check"])("%s loads and exports its handler", (name) => {
    expect(loadAndInvoke(name).handler).toBe("function");
  });
});

describe("inlineKeyConstants", () => {
  it("writes a module constant's string in place of its name in computed keys, and leaves other names alone", () => {
    const source = 'const _xN = "xmlName";\nconst n0 = "com.amazonaws.ec2";\nexport var A$ = [3, n0, [[1, { [_xN]: _m, [other]: 1 }]]];\n';
    expect(inlineKeyConstants(source)).toBe(
      'const _xN = "xmlName";\nconst n0 = "com.amazonaws.ec2";\nexport var A$ = [3, n0, [[1, { ["xmlName"]: _m, [other]: 1 }]]];\n',
    );
  });
});
