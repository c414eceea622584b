import { existsSync, readdirSync, readFileSync, readlinkSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { BOOTSTRAP, PREFIX, removeInstances, stubInstance, type InstanceOptions } from "./instance-stubs.js";

afterEach(removeInstances);

/** Boots a stubbed instance whose tag names `release`, with that release (or the given ones) in S3. */
function boot(options: Partial<InstanceOptions> & { procfile?: string; pins?: string }) {
  const tag = options.metadataTag ?? options.describeTags ?? "none";
  const instance = stubInstance({ releases: { [tag]: { procfile: options.procfile, pins: options.pins } }, ...options });
  const run = instance.boot();
  return {
    ...run,
    calls: instance.calls(),
    unit: instance.unit(),
    fs: instance.fs,
    envFile: join(instance.fs, "srv", "hello", "releases", tag, ".gantry", "env"),
  };
}

describe("examples/instance-bootstrap/user-data.sh", () => {
  it("runs the release named by the instance's gantry:release tag as a systemd service, through current, from the Procfile's web line", () => {
    const run = boot({ metadataTag: "3f2c1ab9e0d4" });

    expect(run.status, run.stderr).toBe(0);
    expect(run.unit).toContain(`ExecStart=/bin/sh ${run.fs}/srv/hello/current/.gantry/web`);
    expect(run.unit).toContain(`WorkingDirectory=${run.fs}/srv/hello/current`);
    expect(run.unit).toContain(`EnvironmentFile=${run.fs}/srv/hello/current/.gantry/env`);
    expect(run.unit).toContain("SyslogIdentifier=hello-prod/i-0123456789abcdef0");
    expect(readlinkSync(join(run.fs, "srv/hello/current"))).toBe("releases/3f2c1ab9e0d4");
    expect(readFileSync(join(run.fs, "srv/hello/current/.gantry/web"), "utf8")).toContain("export RELEASE=3f2c1ab9e0d4\nexec node server.mjs\n");
    expect(readFileSync(join(run.fs, "srv/hello/current/server.mjs"), "utf8")).toBe("// the app\n");
  });

  it("installs gantry-deploy byte for byte as examples/instance-bootstrap/gantry-deploy, with the settings in-place deploys read", () => {
    const run = boot({ metadataTag: "3f2c1ab9e0d4" });

    expect(run.status, run.stderr).toBe(0);
    const installed = join(run.fs, "usr/local/bin/gantry-deploy");
    expect(readFileSync(installed, "utf8")).toBe(readFileSync(join(BOOTSTRAP, "../gantry-deploy"), "utf8"));
    expect(statSync(installed).mode & 0o777).toBe(0o755);
    expect(readFileSync(join(run.fs, "etc/gantry/deploy.conf"), "utf8")).toBe(
      "GANTRY_BUCKET=slugs\nGANTRY_APP=hello\nGANTRY_ENV=prod\nGANTRY_REGION=eu-west-1\n",
    );
  });

  it("uses IMDSv2, fetches the artifact and env file from the release's S3 prefix, then starts the unit and waits for /health", () => {
    const run = boot({ metadataTag: "3f2c1ab9e0d4" });

    expect(run.calls[0]).toMatch(/^curl -sf -X PUT http:\/\/169\.254\.169\.254\/latest\/api\/token/);
    const metadataReads = run.calls.filter((call) => call.includes("169.254.169.254/latest/meta-data/"));
    expect(metadataReads).toHaveLength(3);
    expect(metadataReads.every((call) => call.includes("X-aws-ec2-metadata-token: TOKEN"))).toBe(true);
    expect(run.calls.filter((call) => call.startsWith("aws"))).toEqual([
      expect.stringMatching(/^aws s3 cp --region eu-west-1 --only-show-errors s3:\/\/slugs\/hello\/prod\/3f2c1ab9e0d4\/slug\.tgz /),
      expect.stringMatching(/^aws s3 cp --region eu-west-1 --only-show-errors s3:\/\/slugs\/hello\/prod\/3f2c1ab9e0d4\/env /),
      `aws ssm get-parameters --region eu-west-1 --with-decryption --names ${PREFIX}GREETING:3 ${PREFIX}PORT:1 --query Parameters[].[Name,Value] --output text`,
    ]);
    expect(run.calls.filter((call) => call.startsWith("systemctl"))).toEqual([
      "systemctl daemon-reload",
      "systemctl restart gantry-hello-prod.service",
      "systemctl enable gantry-hello-prod.service",
    ]);
    expect(run.calls).toContain("curl -s -o /dev/null -w %{http_code} --max-time 2 http://127.0.0.1:8080/health");
  });

  it("falls back to DescribeTags when instance tags are not in the metadata", () => {
    const run = boot({ describeTags: "7e0a1b2c3d4f" });

    expect(run.status, run.stderr).toBe(0);
    expect(run.calls).toContain(
      "aws ec2 describe-tags --region eu-west-1 --filters Name=resource-id,Values=i-0123456789abcdef0 Name=key,Values=gantry:release --query Tags[0].Value --output text",
    );
    expect(readFileSync(join(run.fs, "srv/hello/current/.gantry/web"), "utf8")).toContain("export RELEASE=7e0a1b2c3d4f\n");
  });

  it("fails saying how to tag the group when the instance has no gantry:release tag, starting nothing", () => {
    const run = boot({});

    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain("has no gantry:release tag: tag the Auto Scaling group with gantry:release (PropagateAtLaunch=true)");
    expect(run.calls.some((call) => call.startsWith("systemctl"))).toBe(false);
  });

  it("fails when the release has no web process in its Procfile, starting nothing", () => {
    const run = boot({ metadataTag: "a1f3c9e07b24", procfile: "worker: node worker.mjs\n" });

    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain("release a1f3c9e07b24 has no 'web:' line in its Procfile");
    expect(run.calls.filter((call) => call.startsWith("systemctl"))).toEqual(["systemctl daemon-reload"]);
    expect(existsSync(join(run.fs, "srv/hello/current"))).toBe(false);
  });

  it("writes the pinned SSM versions to an EnvironmentFile only root can read, quoted for systemd, and keeps no list of selectors", () => {
    const run = boot({ metadataTag: "3f2c1ab9e8d7-c2" });

    expect(run.status, run.stderr).toBe(0);
    expect(run.unit).toContain(`EnvironmentFile=${run.fs}/srv/hello/current/.gantry/env`);
    expect(statSync(run.envFile).mode & 0o777).toBe(0o600);
    // A tab inside a value survives; \ " $ ` are escaped as systemd reads double-quoted values.
    expect(readFileSync(run.envFile, "utf8")).toBe('GREETING="hi \\"there\\" \\$HOME \\\\ \\`x\\`\tend"\nPORT="8080"\n');
    expect(readFileSync(join(run.fs, "srv/hello/current/.gantry/env"), "utf8")).toBe(readFileSync(run.envFile, "utf8"));
    // Nothing else is left on disk: no copy of the selectors, no staging directory.
    expect(readdirSync(join(run.fs, "srv/hello")).sort()).toEqual([".deploy.lock", "current", "releases"]);
    expect(readdirSync(join(run.fs, "srv/hello/releases/3f2c1ab9e8d7-c2")).sort()).toEqual([".gantry", "Procfile", "RELEASE", "server.mjs"]);
    expect(readdirSync(join(run.fs, "srv/hello/releases/3f2c1ab9e8d7-c2/.gantry")).sort()).toEqual(["env", "web"]);
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
    expect(run.calls.some((call) => call.startsWith("systemctl restart"))).toBe(false);
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
    expect(run.stderr).toContain('gantry-deploy: "v3" is not a release id (the first 12 lowercase hex characters of the commit, optionally -c<N>)');
    expect(run.stderr).toContain("release v3 (the gantry:release tag of i-0123456789abcdef0) did not deploy");
    expect(run.calls.some((call) => call.startsWith("aws s3"))).toBe(false);
  });
});
