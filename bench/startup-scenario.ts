import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const bin = new URL("../bin/gantry.mjs", import.meta.url).pathname;

/** Targets (issue 18): `gantry --help` at most 0.35 s, and no command more than 0.5 s before its own work. */
export const HELP_TARGET_MS = 350;
export const BEFORE_WORK_TARGET_MS = 500;

/**
 * Each command reached as cheaply as possible: a real run where one is quick, else a call that
 * fails right after the command's code has loaded (an app/env the configuration lacks, a missing
 * secret). Either way the command says when it took over (GANTRY_STARTUP_TIMING).
 */
const COMMANDS: string[][] = [
  ["status", "--local"],
  ["history", "--local", "no-such-execution"],
  ["deploy", "v2", "--local", "--app", "nope"],
  ["cycle", "hello", "nope", "--local"],
  ["releases", "hello", "prod", "--local"],
  ["rollback", "hello", "nope", "--local"],
  ["schedule", "plan", "--days", "1"],
  ["schedule", "savings"],
  ["schedule", "run", "night", "start", "--local"],
  ["webhook", "serve"],
  ["console", "--local", "--config", "no-such-gantry.config.ts"],
];

/** Subcommands whose help is timed besides the top-level one. */
const HELPS: string[][] = [
  ["deploy", "--help"],
  ["status", "--help"],
  ["cycle", "--help"],
  ["schedule", "run", "--help"],
  ["demo", "--help"],
  ["console", "--help"],
];

interface Timed {
  wallMs: number;
  dispatchMs?: number;
  loadedMs?: number;
}

function once(args: string[], home: string): Promise<Timed> {
  const started = process.hrtime.bigint();
  return new Promise((resolve) => {
    const env: NodeJS.ProcessEnv = { ...process.env, GANTRY_HOME: home, GANTRY_STARTUP_TIMING: "1", NO_COLOR: "1" };
    delete env.GANTRY_WEBHOOK_SECRET;
    execFile(process.execPath, [bin, ...args], { env }, (_error, _stdout, stderr) => {
      const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
      const dispatch = /gantry-startup dispatch (\d+)/.exec(stderr)?.[1];
      const loaded = /gantry-startup loaded (\d+)/.exec(stderr)?.[1];
      resolve({ wallMs, ...(dispatch ? { dispatchMs: Number(dispatch) } : {}), ...(loaded ? { loadedMs: Number(loaded) } : {}) });
    });
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const value = sorted.length % 2 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
  return Math.round(value);
}

interface CommandTiming {
  command: string;
  wallMedianMs: number;
  /** From process start until the command takes over: what every command pays before its own work. */
  beforeWorkMedianMs?: number;
  /** … and until its own code (SDK clients, local cloud, config loader, as it needs) has loaded. */
  codeLoadedMedianMs?: number;
}

async function timed(args: string[], home: string, runs: number): Promise<CommandTiming> {
  const results: Timed[] = [];
  // One run first, unmeasured: tsx compiles each file once into its cache, as any second run finds it.
  await once(args, home);
  for (let run = 0; run < runs; run++) results.push(await once(args, home));
  const dispatched = results.flatMap((result) => (result.dispatchMs === undefined ? [] : [result.dispatchMs]));
  const loaded = results.flatMap((result) => (result.loadedMs === undefined ? [] : [result.loadedMs]));
  return {
    command: `gantry ${args.join(" ")}`,
    wallMedianMs: median(results.map((result) => result.wallMs)),
    ...(dispatched.length > 0 ? { beforeWorkMedianMs: median(dispatched) } : {}),
    ...(loaded.length > 0 ? { codeLoadedMedianMs: median(loaded) } : {}),
  };
}

/** Node with tsx registered and commander loaded, nothing of gantry: the floor of any start-up. */
async function timedFloor(runs: number): Promise<number> {
  const script = 'const { register } = await import("tsx/esm/api"); register(); await import("commander");';
  const times: number[] = [];
  for (let run = 0; run <= runs; run++) {
    const started = process.hrtime.bigint();
    await new Promise<void>((resolve) =>
      execFile(process.execPath, ["--input-type=module", "-e", script], { cwd: new URL("..", import.meta.url).pathname }, () => resolve()),
    );
    if (run > 0) times.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  return median(times);
}

/**
 * The CLI's start-up: `node bin/gantry.mjs` spawned `runs` times per command, medians reported.
 * `wallMedianMs` is the whole process; `beforeWorkMedianMs` the time from process start until the
 * command takes over, and `codeLoadedMedianMs` until the code it needs has loaded.
 */
export async function runStartupScenario(runs = 7): Promise<Record<string, unknown>> {
  const home = mkdtempSync(join(tmpdir(), "gantry-bench-startup-"));
  try {
    const floor = await timedFloor(runs);
    const help = await timed(["--help"], home, runs);
    const helps = [];
    for (const args of HELPS) helps.push(await timed(args, home, runs));
    const commands = [];
    for (const args of COMMANDS) commands.push(await timed(args, home, runs));
    const statusLocal = commands[0];
    const slowest = Math.max(...commands.map((command) => command.beforeWorkMedianMs ?? Number.POSITIVE_INFINITY));
    return {
      scenario: "cli-startup",
      runs,
      helpMedianMs: help.wallMedianMs,
      helpTargetMs: HELP_TARGET_MS,
      floorMedianMs: floor,
      statusLocalMedianMs: statusLocal?.wallMedianMs,
      slowestBeforeWorkMs: slowest,
      beforeWorkTargetMs: BEFORE_WORK_TARGET_MS,
      ok: help.wallMedianMs <= HELP_TARGET_MS && slowest <= BEFORE_WORK_TARGET_MS,
      helps,
      commands,
    };
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}
