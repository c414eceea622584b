// Runs cfn-lint on every template the CDK app synthesizes (cdk.out/*.template.json), after a
// synth when a template is missing or older than a file it is built from (or with `--synth`). Errors fail the run; warnings are printed
// and pass, because the W3005 warnings (a DependsOn the CDK adds beside a GetAtt) come from the
// CDK's own output. cfn-lint's exit code is a bit field (2 errors, 4 warnings, 8 informational):
// `--non-zero-exit-code error` makes it exit non-zero for errors only.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const out = join(root, "cdk.out");
const INSTALL = 'cfn-lint is not installed: pip install "moto[server]" cfn-lint';

const templates = () =>
  existsSync(out)
    ? readdirSync(out)
        .filter((name) => name.endsWith(".template.json"))
        .map((name) => join(out, name))
    : [];

/** What a synth reads: a template older than any of these may not say what the code says. */
const SOURCES = ["infra", "functions", "statemachines", "gantry.config.ts", "cdk.json", "package-lock.json"];

function newestSource(path = root, names = SOURCES) {
  let newest = 0;
  for (const name of names) {
    const file = join(path, name);
    if (!existsSync(file)) continue;
    const stat = statSync(file);
    newest = Math.max(newest, stat.isDirectory() ? newestSource(file, readdirSync(file)) : stat.mtimeMs);
  }
  return newest;
}

const stale = () => {
  const found = templates();
  return found.length === 0 || Math.min(...found.map((file) => statSync(file).mtimeMs)) < newestSource();
};

const probe = spawnSync("cfn-lint", ["--version"], { encoding: "utf8" });
if (probe.error || probe.status !== 0) {
  console.error(INSTALL);
  process.exit(1);
}

if (process.argv.includes("--synth") || stale()) {
  const synth = spawnSync("npm", ["run", "--silent", "synth"], { cwd: root, stdio: "inherit" });
  if (synth.status !== 0) process.exit(synth.status ?? 1);
}

const found = templates();
if (found.length === 0) {
  console.error(`no *.template.json in ${out} after the synth`);
  process.exit(1);
}
const lint = spawnSync("cfn-lint", ["--non-zero-exit-code", "error", "--", ...found], { cwd: root, stdio: "inherit" });
if (lint.status === 0) console.error(`cfn-lint: no errors in ${found.length} template(s) (${probe.stdout.trim()})`);
process.exit(lint.status ?? 1);
