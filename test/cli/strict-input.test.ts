import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { describeFailure } from "../../cli/failure.js";
import { UsageError } from "../../cli/output.js";
import { InvalidConfigError } from "../../functions/core/errors.js";
import { gantryIn } from "./run-gantry.js";

const home = mkdtempSync(join(tmpdir(), "gantry-strict-"));
const gantry = gantryIn(home);
afterAll(() => rmSync(home, { recursive: true, force: true }));

const TG = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/web/1";

function configWith(environment: string): string {
  const path = join(home, `config-${Math.random().toString(36).slice(2)}.mjs`);
  writeFileSync(
    path,
    `export default { apps: { hello: { repository: "octo-org/hello", environments: { prod: { region: "eu-west-1", group: { autoScalingGroupName: "hello-prod", targetGroupArns: ["${TG}"] }, ${environment} } } } } };\n`,
  );
  return path;
}

describe("gantry CLI, usage and exit codes", () => {
  it("prints its version from package.json and exits 0", async () => {
    const { version } = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };
    const result = await gantry("--version");
    expect(result).toMatchObject({ code: 0, stdout: `${version}\n` });
  });

  it("documents the exit codes in --help and exits 0", async () => {
    const result = await gantry("--help");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Exit codes:\n  0  done\n  1  the deploy, cycle or run failed or rolled back");
  });

  it("exits 2 on an unknown command and an unknown option", async () => {
    const command = await gantry("deplyo", "b7d2e4f01c68");
    expect(command.code).toBe(2);
    expect(command.stderr).toContain("error: unknown command 'deplyo'");
    const option = await gantry("status", "--local", "--lmit", "3");
    expect(option.code).toBe(2);
    expect(option.stderr).toContain("error: unknown option '--lmit'");
  });

  it.each([
    [["status", "--local", "--limit", "-1"], "option '--limit <n>' argument '-1' is invalid. It takes a whole number from 1 to 1000."],
    [["status", "--local", "--limit", "abc"], "option '--limit <n>' argument 'abc' is invalid. It takes a whole number from 1 to 1000."],
    [
      ["deploy", "b7d2e4f01c68", "--local", "--instances", "1000000000"],
      "option '--instances <n>' argument '1000000000' is invalid. It takes a whole number from 1 to 5000.",
    ],
    [
      ["deploy", "b7d2e4f01c68", "--local", "--bake-seconds", "1.5"],
      "option '--bake-seconds <n>' argument '1.5' is invalid. It takes a whole number from 0 to 3600.",
    ],
    [["schedule", "plan", "--days", "0"], "option '--days <n>' argument '0' is invalid. It takes a whole number from 1 to 366."],
  ])("rejects %j naming the option, the value and the range, with exit 2 and no stack trace", async (args, message) => {
    const result = await gantry(...args);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`error: ${message}`);
    expect(result.stderr).not.toContain("    at ");
  });

  it("refuses to deploy locally an app/env the configuration does not define", async () => {
    const result = await gantry("deploy", "b7d2e4f01c68", "--local", "--app", "nope");
    expect(result.code).toBe(2);
    expect(result.stderr).toBe("error: No environment nope/prod in the configuration (configured: hello/prod, hello/staging).\n");
  });

  it("rejects a misspelt configuration key with its path and the key meant, exit 2", async () => {
    const result = await gantry("deploy", "b7d2e4f01c68", "--local", "--config", configWith('branch: "main", strategy: { bakeSecs: 30 }'));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('apps.hello.environments.prod.strategy.bakeSecs is not a known key: did you mean "bakeSeconds"?');
  });

  it("rejects a status or history name that matches no local execution, exit 2", async () => {
    const status = await gantry("status", "--local", "hello-prod-nothing");
    expect(status.code).toBe(2);
    expect(status.stderr).toContain('No execution named or starting with "hello-prod-nothing"');
    expect(status.stderr).toContain("list them with: gantry status --local");
    const history = await gantry("history", "--local", "hello-prod-nothing");
    expect(history.code).toBe(2);
  });
});

describe("describeFailure", () => {
  it("says a usage or configuration error in one line, exit 2", () => {
    expect(describeFailure(new UsageError("--from is wrong."))).toEqual({ message: "error: --from is wrong.", exitCode: 2, unexpected: false });
    expect(describeFailure(new InvalidConfigError("x is invalid"))).toMatchObject({ exitCode: 2 });
  });

  it("says an unexpected failure in one line with where to see the stack, exit 1", () => {
    const failure = describeFailure(new RangeError("Invalid array length\n    at somewhere"));
    expect(failure).toEqual({
      message: "error: gantry failed unexpectedly (RangeError: Invalid array length); set GANTRY_DEBUG=1 to see the stack trace.",
      exitCode: 1,
      unexpected: true,
    });
  });
});
