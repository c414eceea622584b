import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export const BOOTSTRAP = resolve("examples/instance-bootstrap/user-data.sh");
export const PREFIX = "/gantry/hello/prod/env/";
const DEFAULT_PARAMETERS: Record<string, string> = { [`${PREFIX}PORT:1`]: "8080", [`${PREFIX}GREETING:3`]: 'hi "there" $HOME \\ `x`\tend' };

/** A release in the stubbed S3 store. */
export interface StoredRelease {
  procfile?: string;
  /** The release's env object: SSM selectors, one a line (default: PORT and GREETING pinned). */
  pins?: string;
}

export interface InstanceOptions {
  /** The gantry:release tag as the instance metadata shows it; undefined when tags are not exposed there. */
  metadataTag?: string;
  /** What `aws ec2 describe-tags` answers. */
  describeTags?: string;
  /** The releases S3 holds, by id; an id not here is a missing key (the AWS CLI's 404). */
  releases: Record<string, StoredRelease>;
  /** What SSM holds, by `name:version` (default: the two the default pins name). */
  parameters?: Record<string, string>;
}

export interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

const dirs: string[] = [];
/** Removes every temp root made since the last call; run it after each test. */
export function removeInstances() {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/**
 * An instance in a temp root (GANTRY_ROOT), with `curl`, `aws`, `systemctl` and `journalctl`
 * stubbed on PATH: the stubs log every call and answer as the instance metadata service, S3 and
 * SSM would. Slugs are real tarballs with a Procfile. `/health` on 127.0.0.1 answers with the code
 * scripted for the release `current` points at (`health(release, code)`; 200 by default), as the
 * app of that release would once systemd restarted it.
 */
export function stubInstance(options: InstanceOptions) {
  const root = mkdtempSync(join(tmpdir(), "gantry-instance-"));
  dirs.push(root);
  const bin = join(root, "bin");
  const fs = join(root, "fs");
  const calls = join(root, "calls.log");
  mkdirSync(bin);
  mkdirSync(join(root, "health"));
  for (const [id, release] of Object.entries(options.releases)) {
    const store = join(root, "store", id);
    const slug = join(store, "slug");
    mkdirSync(slug, { recursive: true });
    writeFileSync(join(slug, "Procfile"), release.procfile ?? "web: node server.mjs\nworker: node worker.mjs\n");
    writeFileSync(join(slug, "server.mjs"), "// the app\n");
    writeFileSync(join(slug, "RELEASE"), `${id}\n`);
    execFileSync("tar", ["-czf", join(store, "slug.tgz"), "-C", slug, "."]);
    writeFileSync(join(store, "env"), release.pins ?? `${PREFIX}GREETING:3\n${PREFIX}PORT:1\n`);
  }
  // SSM by selector; the stub answers as the AWS CLI's text output shows GetParameters: one "Name<TAB>Value" line per parameter found.
  writeFileSync(
    join(root, "ssm.tsv"),
    Object.entries(options.parameters ?? DEFAULT_PARAMETERS)
      .map(([selector, value]) => `${selector}\t${selector.replace(/:[^:]*$/, "")}\t${value}\n`)
      .join(""),
  );
  const stub = (name: string, body: string) => {
    writeFileSync(join(bin, name), `#!/bin/bash\necho "${name} $*" >> "${calls}"\n${body}\n`);
    chmodSync(join(bin, name), 0o755);
  };
  stub(
    "curl",
    `case "$*" in
  *api/token*) echo TOKEN ;;
  *meta-data/instance-id*) echo i-0123456789abcdef0 ;;
  *meta-data/placement/region*) echo eu-west-1 ;;
  *meta-data/tags/instance/gantry:release*) ${options.metadataTag === undefined ? "exit 22" : `echo ${options.metadataTag}`} ;;
  *127.0.0.1:8080/health*)
    release="$(basename "$(readlink "${fs}/srv/hello/current")")"
    code="$(cat "${root}/health/$release" 2>/dev/null || echo 200)"
    printf '%s' "$code"; [ "$code" != 000 ] || exit 7 ;;
  *) exit 22 ;;
esac`,
  );
  stub(
    "aws",
    `case "$1 $2" in
  "ec2 describe-tags") echo "${options.describeTags ?? "None"}" ;;
  "s3 cp")
    for last; do :; done
    key="$(printf '%s\\n' "$@" | sed -n 's|^s3://slugs/hello/prod/||p')"
    [ -f "${root}/store/$key" ] || { echo "fatal error: An error occurred (404) when calling the HeadObject operation: Key \\"hello/prod/$key\\" does not exist" >&2; exit 1; }
    cp "${root}/store/$key" "$last" ;;
  "ssm get-parameters")
    names=0; for arg; do case "$arg" in /gantry/*) names=$((names + 1)); grep -F -- "$arg"$'\\t' "${root}/ssm.tsv" | cut -f2- ;; esac; done
    [ "$names" -le 10 ] || exit 254 ;;
  *) exit 1 ;;
esac`,
  );
  stub("systemctl", "exit 0");
  stub("journalctl", `echo "Dec 02 16:20:01 hello-prod node[4242]: Error: listen EADDRINUSE: address already in use :::8080"`);

  const run = (command: string[], env: Record<string, string>): Run => {
    const result = spawnSync("bash", command, {
      env: { PATH: `${bin}:${process.env.PATH}`, GANTRY_ROOT: fs, GANTRY_DEPLOY_WAIT_SECONDS: "2", ...env },
      encoding: "utf8",
    });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  };
  const read = (path: string) => (existsSync(join(fs, path)) ? readFileSync(join(fs, path), "utf8") : undefined);

  return {
    fs,
    /** Runs the bootstrap, as the launch template's user data. */
    boot: () => run([BOOTSTRAP], { GANTRY_BUCKET: "slugs", GANTRY_APP: "hello", GANTRY_ENV: "prod" }),
    /** Runs the gantry-deploy the bootstrap installed, as SSM Run Command does: no GANTRY_BUCKET, APP or ENV in its environment. */
    deploy: (args: string[], env: Record<string, string> = {}) => run([join(fs, "usr/local/bin/gantry-deploy"), ...args], env),
    /** Every stubbed call so far, one line each (`aws s3 cp …`). */
    calls: () => (existsSync(calls) ? readFileSync(calls, "utf8").trim().split("\n") : []),
    /** Forgets the calls so far, to look at one run's alone. */
    clearCalls: () => rmSync(calls, { force: true }),
    /** Scripts what /health answers while `current` points at the release ("000": nothing listens). */
    health: (release: string, code: string) => writeFileSync(join(root, "health", release), code),
    read,
    unit: () => read("etc/systemd/system/gantry-hello-prod.service"),
  };
}
