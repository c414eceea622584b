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

type Gantry = ((...args: string[]) => Promise<CliResult>) & {
  /** The same runner with these environment variables set (undefined removes one). */
  withEnv(env: Record<string, string | undefined>): (...args: string[]) => Promise<CliResult>;
};

/** Runs the real `gantry` bin with `GANTRY_HOME` set to `home` and colours off; never throws on a non-zero exit. */
export function gantryIn(home: string): Gantry {
  const runner =
    (extra: Record<string, string | undefined>) =>
    async (...args: string[]): Promise<CliResult> => {
      const env: Record<string, string | undefined> = { ...process.env, GANTRY_HOME: home, NO_COLOR: "1", ...extra };
      for (const [name, value] of Object.entries(env)) if (value === undefined) delete env[name];
      try {
        const { stdout, stderr } = await run(process.execPath, [bin, ...args], { env });
        return { code: 0, stdout, stderr };
      } catch (error) {
        const failed = error as CliResult;
        return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
      }
    };
  return Object.assign(runner({}), { withEnv: runner });
}
