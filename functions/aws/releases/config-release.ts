import { NoCurrentReleaseError, ReleaseStoreUnavailableError } from "../../core/errors.js";
import { nextConfigReleaseId, parsePinsFile, pinsFile, type EnvironmentPins } from "../../core/releases/config-release.js";
import { planConfigWrite, type Assignment } from "../../core/releases/environment.js";
import { currentKey } from "../../core/releases/release-keys.js";
import { readEnvironmentParameters, writeEnvironment } from "./environment-parameters.js";
import { fetchRelease, putRelease, readCurrent, readManifest, releaseBucketName } from "./release-store.js";
import { runtime } from "../runtime.js";

export interface ConfigChange {
  app: string;
  env: string;
  set?: readonly Assignment[];
  unset?: readonly string[];
}

/** What a change did: nothing (every value was already so), or a new release of the running slug. No values in it. */
export type ConfigReleaseResult =
  | { outcome: "unchanged"; current: string; unchanged: string[] }
  | {
      outcome: "created";
      releaseId: string;
      base: string;
      /** The version each variable written now has. */
      written: Record<string, number>;
      removed: string[];
      unchanged: string[];
      /** The whole environment of the new release, as pinned SSM versions. */
      pins: EnvironmentPins;
      bucket: string;
    };

/** How many ids a concurrent change may have taken before this one gives up looking for a free one. */
const MAX_PROBES = 20;

/**
 * A configuration change as a release: writes the change to SSM, then stores a new release of
 * the slug `current` runs, its `env` the SSM versions every variable has now, under the next
 * free `<commit>-c<N>`. Nothing is deployed here. The order makes every failure safe: a bad
 * change is refused before any write; an SSM write failing partway names what was written and
 * makes no release; the release is stored manifest last, so a failure there leaves no release
 * and `current` untouched, and running the command again makes the release from what SSM holds.
 */
export async function createConfigRelease(change: ConfigChange): Promise<ConfigReleaseResult> {
  const { app, env } = change;
  const bucket = releaseBucketName();
  const current = await readCurrent(app, env);
  if (current === undefined) {
    throw new NoCurrentReleaseError(
      `${app}/${env} runs no release yet (s3://${bucket}/${currentKey(app, env)} is missing), so there is no slug to give the new environment: deploy a release first (gantry release create ${app} ${env}, then gantry deploy).`,
    );
  }
  const running = await fetchRelease(app, env, current);
  const stored = await readEnvironmentParameters(app, env);
  const plan = planConfigWrite(stored, change, `${app}/${env}`);
  const written = await writeEnvironment(app, env, plan);
  const pins: EnvironmentPins = {};
  for (const [name, variable] of Object.entries(stored)) if (!written.removed.includes(name)) pins[name] = variable.version;
  Object.assign(pins, written.versions);
  if (samePins(pins, runningPins(app, env, running.environment))) return { outcome: "unchanged", current, unchanged: plan.unchanged };
  const releaseId = await freeReleaseId(app, env, current);
  const result = await putRelease({
    app,
    env,
    releaseId,
    ...(running.manifest.commit ? { commit: running.manifest.commit } : {}),
    source: { kind: "config", base: current },
    slug: running.slug,
    environment: Buffer.from(pinsFile(app, env, pins)),
    createdAt: new Date(runtime().now()).toISOString(),
  });
  return {
    outcome: "created",
    releaseId,
    base: current,
    written: written.versions,
    removed: written.removed,
    unchanged: plan.unchanged,
    pins,
    bucket: result.bucket,
  };
}

/** The pins the running release's env lists; an env that is not pins (written some other way) matches nothing. */
function runningPins(app: string, env: string, bytes: Uint8Array): EnvironmentPins | undefined {
  try {
    return parsePinsFile(app, env, Buffer.from(bytes).toString("utf8"));
  } catch {
    return undefined;
  }
}

function samePins(a: EnvironmentPins, b: EnvironmentPins | undefined): boolean {
  if (!b) return false;
  const names = Object.keys(a);
  return names.length === Object.keys(b).length && names.every((name) => a[name] === b[name]);
}

/** The next `<commit>-c<N>` no release has yet: one manifest read for each generation already taken. */
async function freeReleaseId(app: string, env: string, current: string): Promise<string> {
  const taken: string[] = [];
  for (let probe = 0; probe < MAX_PROBES; probe++) {
    const candidate = nextConfigReleaseId(current, taken);
    if (!(await readManifest(app, env, candidate))) return candidate;
    taken.push(candidate);
  }
  throw new ReleaseStoreUnavailableError(
    `Found ${MAX_PROBES} configuration releases after ${current} of ${app}/${env} taken in a row; list s3://${releaseBucketName()}/${app}/${env}/ and deploy the newest.`,
  );
}
