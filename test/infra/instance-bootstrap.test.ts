import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";

const SCRIPT = resolve("examples/instance-bootstrap/user-data.sh");
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

interface Instance {
  /** The gantry:release tag as the instance metadata shows it; undefined when tags are not exposed there. */
  metadataTag?: string;
  /** What `aws ec2 describe-tags` answers. */
  describeTags?: string;
  procfile?: string;
  /** The release's env object: SSM selectors, one a line (default: PORT and GREETING pinned). */
  pins?: string;
  /** What SSM holds, by `name:version` (default: the two the default pins name). */
  parameters?: Record<string, string>;
}

const PREFIX = "/gantry/hello/prod/env/";
const DEFAULT_PARAMETERS: Record<string, string> = { [`${PREFIX}PORT:1`]: "8080", [`${PREFIX}GREETING:3`]: 'hi "there" $HOME \\ `x`\tend' };

/**
 * Runs the bootstrap under bash in a temp root, with `curl`, `aws` and `systemctl` stubbed on
 * PATH: the stubs log every call and answer as the instance metadata service and S3 would.
 * The slug is a real tarball with a Procfile.
 */
function boot(instance: Instance) {
  const root = mkdtempSync(join(tmpdir(), "gantry-bootstrap-"));
  dirs.push(root);
  const bin = join(root, "bin");
  const slug = join(root, "slug");
  mkdirSync(bin);
  mkdirSync(slug);
  writeFileSync(join(slug, "Procfile"), instance.procfile ?? "web: node server.mjs\nworker: node worker.mjs\n");
  writeFileSync(join(slug, "server.mjs"), "// the app\n");
  execFileSync("tar", ["-czf", join(root, "slug.tgz"), "-C", slug, "."]);
  writeFileSync(join(root, "env"), instance.pins ?? `${PREFIX}GREETING:3\n${PREFIX}PORT:1\n`);
  // SSM by selector; the stub answers as the AWS CLI's text output shows GetParameters: one "Name<TAB>Value" line per parameter found.
  const parameters = instance.parameters ?? DEFAULT_PARAMETERS;
  writeFileSync(
    join(root, "ssm.tsv"),
    Object.entries(parameters)
      .map(([selector, value]) => `${selector}\t${selector.replace(/:[^:]*$/, "")}\t${value}\n`)
      .join(""),
  );
  const calls = join(root, "calls.log");
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
  *meta-data/tags/instance/gantry:release*) ${instance.metadataTag === undefined ? "exit 22" : `echo ${instance.metadataTag}`} ;;
  *) exit 22 ;;
esac`,
  );
  stub(
    "aws",
    `case "$1 $2" in
  "ec2 describe-tags") echo "${instance.describeTags ?? "None"}" ;;
  "s3 cp") for last; do :; done; case "$*" in *slug.tgz*) cp "${root}/slug.tgz" "$last" ;; *) cp "${root}/env" "$last" ;; esac ;;
  "ssm get-parameters")
    names=0; for arg; do case "$arg" in /gantry/*) names=$((names + 1)); grep -F -- "$arg"$'\t' "${root}/ssm.tsv" | cut -f2- ;; esac; done
    [ "$names" -le 10 ] || exit 254 ;;
  *) exit 1 ;;
esac`,
  );
  stub("systemctl", "exit 0");
  const result = spawnSync("bash", [SCRIPT], {
    env: { PATH: `${bin}:${process.env.PATH}`, GANTRY_ROOT: join(root, "fs"), GANTRY_BUCKET: "slugs", GANTRY_APP: "hello", GANTRY_ENV: "prod" },
    encoding: "utf8",
  });
  const unitPath = join(root, "fs", "etc", "systemd", "system", "gantry-hello-prod.service");
  return {
    status: result.status,
    stderr: result.stderr,
    calls: existsSync(calls) ? readFileSync(calls, "utf8").trim().split("\n") : [],
    unit: existsSync(unitPath) ? readFileSync(unitPath, "utf8") : undefined,
    fs: join(root, "fs"),
    envFile: join(root, "fs", "srv", "hello", `${instance.metadataTag ?? instance.describeTags ?? "none"}.env`),
  };
}

describe("examples/instance-bootstrap/user-data.sh", () => {
  it("runs the release named by the instance's gantry:release tag as a systemd service from the Procfile's web line", () => {
    const run = boot({ metadataTag: "3f2c1ab9e0d4" });

    expect(run.status, run.stderr).toBe(0);
    expect(run.unit).toContain("ExecStart=/bin/sh -c 'exec node server.mjs'");
    expect(run.unit).toContain(`WorkingDirectory=${run.fs}/srv/hello/current`);
    expect(run.unit).toContain(`EnvironmentFile=${run.fs}/srv/hello/3f2c1ab9e0d4.env`);
    expect(run.unit).toContain("Environment=RELEASE=3f2c1ab9e0d4");
    expect(run.unit).toContain("SyslogIdentifier=hello-prod/i-0123456789abcdef0");
    expect(readFileSync(join(run.fs, "srv/hello/current/server.mjs"), "utf8")).toBe("// the app\n");
  });

  it("uses IMDSv2, fetches the artifact and env file from the release's S3 prefix, then starts the unit", () => {
    const run = boot({ metadataTag: "3f2c1ab9e0d4" });

    expect(run.calls[0]).toMatch(/^curl -sf -X PUT http:\/\/169\.254\.169\.254\/latest\/api\/token/);
    expect(
      run.calls.filter((call) => call.startsWith("curl") && !call.includes("api/token")).every((call) => call.includes("X-aws-ec2-metadata-token: TOKEN")),
    ).toBe(true);
    expect(run.calls.filter((call) => call.startsWith("aws"))).toEqual([
      expect.stringMatching(/^aws s3 cp --region eu-west-1 --only-show-errors s3:\/\/slugs\/hello\/prod\/3f2c1ab9e0d4\/slug\.tgz /),
      expect.stringMatching(/^aws s3 cp --region eu-west-1 --only-show-errors s3:\/\/slugs\/hello\/prod\/3f2c1ab9e0d4\/env /),
      `aws ssm get-parameters --region eu-west-1 --with-decryption --names ${PREFIX}GREETING:3 ${PREFIX}PORT:1 --query Parameters[].[Name,Value] --output text`,
    ]);
    expect(run.calls.filter((call) => call.startsWith("systemctl"))).toEqual(["systemctl daemon-reload", "systemctl enable --now gantry-hello-prod.service"]);
  });

  it("falls back to DescribeTags when instance tags are not in the metadata", () => {
    const run = boot({ describeTags: "7e0a1b2c3d4f" });

    expect(run.status, run.stderr).toBe(0);
    expect(run.calls).toContain(
      "aws ec2 describe-tags --region eu-west-1 --filters Name=resource-id,Values=i-0123456789abcdef0 Name=key,Values=gantry:release --query Tags[0].Value --output text",
    );
    expect(run.unit).toContain("Environment=RELEASE=7e0a1b2c3d4f");
  });

  it("fails saying how to tag the group when the instance has no gantry:release tag, starting nothing", () => {
    const run = boot({});

    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain("has no gantry:release tag: tag the Auto Scaling group with gantry:release (PropagateAtLaunch=true)");
    expect(run.calls.some((call) => call.startsWith("systemctl"))).toBe(false);
  });

  it("fails when the release has no web process in its Procfile", () => {
    const run = boot({ metadataTag: "a1f3c9e07b24", procfile: "worker: node worker.mjs\n" });

    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain("release a1f3c9e07b24 has no 'web:' line in its Procfile");
    expect(run.unit).toBeUndefined();
  });

  it("writes the pinned SSM versions to an EnvironmentFile only root can read, quoted for systemd, and keeps no list of selectors", () => {
    const run = boot({ metadataTag: "3f2c1ab9e8d7-c2" });

    expect(run.status, run.stderr).toBe(0);
    expect(run.unit).toContain(`EnvironmentFile=${run.fs}/srv/hello/3f2c1ab9e8d7-c2.env`);
    expect(statSync(run.envFile).mode & 0o777).toBe(0o600);
    // A tab inside a value survives; \ " $ ` are escaped as systemd reads double-quoted values.
    expect(readFileSync(run.envFile, "utf8")).toBe('GREETING="hi \\"there\\" \\$HOME \\\\ \\`x\\`\tend"\nPORT="8080"\n');
    expect(existsSync(join(run.fs, "srv/hello/releases/3f2c1ab9e8d7-c2.pins"))).toBe(false);
  });

  it("reads the environment 10 parameters a call, as GetParameters allows", () => {
    const names = Array.from({ length: 12 }, (_, index) => `V${String(index).padStart(2, "0")}`);
    const run = boot({
      metadataTag: "3f2c1ab9e0d4",
      pins: names.map((name) => `${PREFIX}${name}:1\n`).join(""),
      parameters: Object.fromEntries(names.map((name) => [`${PREFIX}${name}:1`, `value-${name}`])),
    });

    expect(run.status, run.stderr).toBe(0);
    expect(run.calls.filter((call) => call.startsWith("aws ssm get-parameters")).map((call) => call.split(" /gantry/").length - 1)).toEqual([10, 2]);
    expect(readFileSync(run.envFile, "utf8").trim().split("\n")).toHaveLength(12);
  });

  it("fails naming the selector when SSM no longer has a version the release pins, starting nothing", () => {
    const run = boot({ metadataTag: "3f2c1ab9e0d4", parameters: { [`${PREFIX}PORT:1`]: "8080" } });

    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain(
      `SSM has no ${PREFIX}GREETING:3, which release 3f2c1ab9e0d4 pins: set the variable again (gantry config set) and deploy the new release`,
    );
    expect(run.unit).toBeUndefined();
    expect(existsSync(run.envFile)).toBe(false);
  });

  it("refuses an env object that holds values instead of SSM selectors", () => {
    const run = boot({ metadataTag: "3f2c1ab9e0d4", pins: "TOKEN=plaintext\n" });

    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain(`release 3f2c1ab9e0d4's env line "TOKEN=plaintext" is not an SSM selector under ${PREFIX} (<name>:<version>)`);
    expect(run.calls.some((call) => call.startsWith("aws ssm"))).toBe(false);
  });

  it("refuses a tag that is not a release id (a release number such as v3), fetching nothing", () => {
    const run = boot({ metadataTag: "v3" });

    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('gantry:release "v3" is not a release id (the first 12 lowercase hex characters of the commit, optionally -c<N>)');
    expect(run.calls.some((call) => call.startsWith("aws s3"))).toBe(false);
  });
});
