import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DeleteParameterCommand, PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { putRelease } from "../../../functions/aws/releases/release-store.js";
import { provideRuntime, resetRuntime, runtime } from "../../../functions/aws/runtime.js";
import { packDirectory } from "../../../cli/release/pack-dir.js";
import { LocalCloud } from "../../../local/cloud/index.js";
import { slugBoot } from "../../../local/process/slug-boot.js";
import { createLocalRuntime } from "../../../local/runtime.js";
import { startLocalS3, type LocalS3 } from "../../../local/s3/index.js";

const dirs: string[] = [];
let s3: LocalS3;
beforeAll(async () => {
  s3 = await startLocalS3();
  provideRuntime(createLocalRuntime({ cloud: new LocalCloud(), releaseBucket: s3.bucket }));
});
afterAll(async () => {
  await s3.close();
  resetRuntime();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const ssm = () => runtime().client(SSMClient);

async function release(id: string, pins: string): Promise<void> {
  const app = mkdtempSync(join(tmpdir(), "gantry-slug-"));
  dirs.push(app);
  writeFileSync(join(app, "Procfile"), "web: node server.mjs\n");
  await putRelease({
    app: "boot",
    env: "prod",
    releaseId: id,
    source: { kind: "dir", dir: app },
    slug: await packDirectory(app),
    environment: Buffer.from(pins),
    createdAt: "2026-12-02T05:00:00.000Z",
  });
}

describe("slugBoot", () => {
  it("gives the process the values of exactly the SSM versions its release pins", async () => {
    await ssm().send(new PutParameterCommand({ Name: "/gantry/boot/prod/env/GREETING", Value: "first", Type: "SecureString" }));
    await ssm().send(new PutParameterCommand({ Name: "/gantry/boot/prod/env/GREETING", Value: "second", Type: "SecureString", Overwrite: true }));
    await release("aaaaaaaaaaaa", "/gantry/boot/prod/env/GREETING:1\n");
    await release("aaaaaaaaaaaa-c1", "/gantry/boot/prod/env/GREETING:2\n");
    const root = mkdtempSync(join(tmpdir(), "gantry-hosts-"));
    dirs.push(root);
    const boot = slugBoot({ app: "boot", env: "prod", root });

    const [old, current] = await Promise.all([boot("aaaaaaaaaaaa"), boot("aaaaaaaaaaaa-c1")]);

    expect(old.env.GREETING).toBe("first");
    expect(current.env.GREETING).toBe("second");
    expect(current.command).toEqual(["/bin/sh", "-c", "exec node server.mjs"]);
  });

  it("refuses to boot a release whose pinned parameter SSM no longer has, naming it", async () => {
    await ssm().send(new PutParameterCommand({ Name: "/gantry/boot/prod/env/TOKEN", Value: "t", Type: "SecureString" }));
    await release("bbbbbbbbbbbb", "/gantry/boot/prod/env/TOKEN:1\n");
    await ssm().send(new DeleteParameterCommand({ Name: "/gantry/boot/prod/env/TOKEN" }));
    const root = mkdtempSync(join(tmpdir(), "gantry-hosts-"));
    dirs.push(root);

    await expect(slugBoot({ app: "boot", env: "prod", root })("bbbbbbbbbbbb")).rejects.toThrow(
      "SSM has no /gantry/boot/prod/env/TOKEN:1, which the release pins",
    );
  });
});
