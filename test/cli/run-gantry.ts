import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
const bin = join(import.meta.dirname, "../../bin/gantry.mjs");

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real `gantry` bin with `GANTRY_HOME` set to `home` and colours off; never throws on a non-zero exit. */
export function gantryIn(home: string): (...args: string[]) => Promise<CliResult> {
  return async (...args) => {
    try {
      const { stdout, stderr } = await run(process.execPath, [bin, ...args], { env: { ...process.env, GANTRY_HOME: home, NO_COLOR: "1" } });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as CliResult;
      return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
    }
  };
}
