#!/usr/bin/env node
// `npm run test:aws-emulator`: starts moto_server on a free 127.0.0.1 port, runs the moto side of
// the conformance suite against it through AWS_ENDPOINT_URL alone, and stops moto on every way
// out (pass, failure, Ctrl-C, SIGTERM, a crash of this script). Ends with "N passed, N failed".
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

const INSTALL = 'moto_server or cfn-lint is missing: pip install "moto[server]" cfn-lint';
const HOST = "127.0.0.1";

/** moto_server, else `python3 -m moto.server`; undefined when neither runs. */
function motoCommand() {
  if (spawnSync("moto_server", ["--help"], { stdio: "ignore" }).status === 0) return ["moto_server", []];
  if (spawnSync("python3", ["-m", "moto.server", "--help"], { stdio: "ignore" }).status === 0) return ["python3", ["-m", "moto.server"]];
  return undefined;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, HOST, () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function waitUntilAnswering(url, moto) {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (moto.exitCode !== null) throw new Error(`moto_server exited with code ${moto.exitCode} before answering`);
    try {
      const answer = await fetch(`${url}/moto-api/reset`, { method: "POST" });
      if (answer.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`moto_server did not answer at ${url} within 30 s`);
}

const command = motoCommand();
if (!command || spawnSync("cfn-lint", ["--version"], { stdio: "ignore" }).status !== 0) {
  console.error(INSTALL);
  process.exit(1);
}

const port = await freePort();
const endpoint = `http://${HOST}:${port}`;
const reportDir = mkdtempSync(join(tmpdir(), "gantry-conformance-"));
// moto's request recorder (started by the moto backend) writes here, not into the working tree.
const moto = spawn(command[0], [...command[1], "-H", HOST, "-p", String(port)], {
  stdio: ["ignore", "ignore", "pipe"],
  env: { ...process.env, MOTO_RECORDER_FILEPATH: join(reportDir, "moto-requests.jsonl") },
});
let motoLog = "";
moto.stderr.on("data", (chunk) => {
  motoLog = (motoLog + chunk.toString()).slice(-4_000);
});

// CI keeps the JSON report to count the whole run's tests in one line.
const report = process.env.GANTRY_CONFORMANCE_REPORT ?? join(reportDir, "vitest.json");
let vitest;

function stopAll() {
  if (vitest && vitest.exitCode === null) vitest.kill("SIGTERM");
  if (moto.exitCode === null && moto.signalCode === null) moto.kill("SIGTERM");
  rmSync(reportDir, { recursive: true, force: true });
}

/** Stops vitest and moto and waits until moto has exited (so no server outlives the run), then exits. */
let finishing = false;
async function finish(code) {
  finishing = true;
  stopAll();
  if (moto.exitCode === null && moto.signalCode === null) {
    const exited = new Promise((resolve) => moto.once("exit", resolve));
    const timer = setTimeout(() => moto.kill("SIGKILL"), 5_000);
    await exited;
    clearTimeout(timer);
  }
  process.exit(code);
}

// The last resort, should anything exit without finish(): the kill is synchronous.
process.on("exit", stopAll);
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => void finish(130));
process.on("uncaughtException", (error) => {
  console.error(error);
  void finish(1);
});

try {
  await waitUntilAnswering(endpoint, moto);
} catch (error) {
  console.error(`${error.message}\n${motoLog}`);
  await finish(1);
}

const env = {
  ...process.env,
  AWS_ENDPOINT_URL: endpoint,
  AWS_ACCESS_KEY_ID: "testing",
  AWS_SECRET_ACCESS_KEY: "testing",
  AWS_SESSION_TOKEN: "testing",
  AWS_REGION: "eu-west-1",
  GANTRY_TABLE: "gantry",
};
// The dummy credentials must win over a developer's profile, and no endpoint but moto's may apply.
delete env.AWS_PROFILE;
delete env.AWS_ENDPOINT_URL_DYNAMODB;

const passThrough = process.argv.slice(2);
vitest = spawn(
  process.execPath,
  [
    "node_modules/vitest/vitest.mjs",
    "run",
    "-c",
    "vitest.conformance.config.ts",
    "--reporter=default",
    "--reporter=json",
    `--outputFile=${report}`,
    ...passThrough,
  ],
  { stdio: "inherit", env },
);
const code = await new Promise((resolve) => vitest.once("exit", (exitCode, signal) => resolve(exitCode ?? (signal ? 1 : 0))));
// Interrupted: finish() is already stopping everything, and there is no result to count.
if (finishing) await new Promise(() => undefined);

let summary;
try {
  const result = JSON.parse(readFileSync(report, "utf8"));
  summary = { passed: result.numPassedTests, failed: result.numFailedTests, total: result.numTotalTests };
} catch {
  summary = { passed: 0, failed: 0, total: 0 };
}
console.log(`${summary.passed} passed, ${summary.failed} failed`);
await finish(code === 0 && summary.total > 0 && summary.failed === 0 ? 0 : 1);
