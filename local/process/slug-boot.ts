import { mkdirSync, readFileSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { x as extract } from "tar";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { fetchRelease } from "../../functions/aws/releases/release-store.js";
import { readPinnedEnvironment } from "../../functions/aws/releases/environment-parameters.js";

/** What an instance runs once its release is installed: where, which command, with which environment. */
export interface BootedRelease {
  dir: string;
  command: string[];
  env: Record<string, string>;
}

/** Installs a release for an instance, or fails with why it cannot boot. */
export type ReleaseBoot = (release: string) => Promise<BootedRelease>;

/**
 * Boots instances the way examples/instance-bootstrap/user-data.sh does: fetch the release's
 * slug and env from the release store (the same adapter, checksums proven against the
 * manifest), read the SSM parameter versions the env pins, unpack the slug into
 * `<root>/releases/<id>`, and run its Procfile's `web:` line through `/bin/sh -c 'exec …'` with
 * those variables. Each release is installed once
 * per root and shared by the instances that run it, as on one host.
 */
export function slugBoot(options: { app: string; env: string; root: string }): ReleaseBoot {
  const installed = new Map<string, Promise<BootedRelease>>();
  return (release) => {
    let booting = installed.get(release);
    if (!booting) {
      booting = install(options, release);
      installed.set(release, booting);
      // A failed install is tried again by the next instance, as a relaunched instance would.
      booting.catch(() => installed.delete(release));
    }
    return booting;
  };
}

async function install({ app, env, root }: { app: string; env: string; root: string }, release: string): Promise<BootedRelease> {
  const fetched = await fetchRelease(app, env, release);
  const dir = join(root, "releases", release);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  await pipeline(Readable.from([Buffer.from(fetched.slug)]), extract({ cwd: dir, strict: true }));
  const procfile = readFileSync(join(dir, "Procfile"), "utf8");
  const web = /^web:\s*(.+)$/m.exec(procfile)?.[1]?.trim();
  if (!web) throw new Error(`release ${release} has no 'web:' line in its Procfile`);
  // The release pins SSM versions; the values come from the (local) parameter store, as on an instance.
  const variables = await readPinnedEnvironment(app, env, Buffer.from(fetched.environment).toString("utf8"));
  // The Procfile says `node …`: the node that runs gantry comes first on PATH.
  const path = `${dirname(process.execPath)}:${process.env.PATH ?? "/usr/bin:/bin"}`;
  return { dir, command: ["/bin/sh", "-c", `exec ${web}`], env: { ...variables, PATH: path } };
}
