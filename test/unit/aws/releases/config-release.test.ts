import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { GetParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createConfigRelease } from "../../../../functions/aws/releases/config-release.js";
import { putRelease, pointCurrent, readCurrent, readManifest, fetchRelease } from "../../../../functions/aws/releases/release-store.js";
import { provideRuntime, resetRuntime, runtime } from "../../../../functions/aws/runtime.js";
import { ConfigWriteIncompleteError, InvalidConfigChangeError, NoCurrentReleaseError } from "../../../../functions/core/errors.js";
import { LocalCloud } from "../../../../local/cloud/index.js";
import { createLocalRuntime } from "../../../../local/runtime.js";

const SECRET = "s3cr3t-do-not-log-9f1e";
const BASE = "3f2c1ab9e8d7";

/** S3 as a map of keys to bytes: enough of GetObject, HeadObject and PutObject (IfNoneMatch included) for the release store. */
function memoryS3() {
  const objects = new Map<string, Uint8Array>();
  const faults = { refusePuts: 0 };
  const s3 = mockClient(S3Client);
  const missing = (name: string) => Object.assign(new Error(name), { name, $metadata: { httpStatusCode: 404 } });
  s3.on(GetObjectCommand).callsFake((input: { Key: string }) => {
    const body = objects.get(input.Key);
    if (!body) throw missing("NoSuchKey");
    return { Body: { transformToByteArray: async () => body } };
  });
  s3.on(HeadObjectCommand).callsFake((input: { Key: string }) => {
    if (!objects.has(input.Key)) throw missing("NotFound");
    return {};
  });
  s3.on(PutObjectCommand).callsFake((input: { Key: string; Body: Uint8Array; IfNoneMatch?: string }) => {
    if (faults.refusePuts > 0) {
      faults.refusePuts -= 1;
      throw Object.assign(new Error("Access Denied"), { name: "AccessDenied", $metadata: { httpStatusCode: 403 } });
    }
    if (input.IfNoneMatch === "*" && objects.has(input.Key))
      throw Object.assign(new Error("PreconditionFailed"), { name: "PreconditionFailed", $metadata: { httpStatusCode: 412 } });
    objects.set(input.Key, Buffer.from(input.Body));
    return {};
  });
  return { s3, objects, faults };
}

let cloud: LocalCloud;
let store: ReturnType<typeof memoryS3>;

beforeEach(async () => {
  cloud = new LocalCloud();
  store = memoryS3();
  const local = createLocalRuntime({ cloud, logLevel: "DEBUG" });
  provideRuntime({ ...local, env: { ...local.env, releaseBucket: "gantry-releases" } });
  // The release running now: a slug and an environment with one variable pinned.
  await runtime()
    .client(SSMClient)
    .send(new (await import("@aws-sdk/client-ssm")).PutParameterCommand({ Name: "/gantry/hello/prod/env/PORT", Value: "8080", Type: "SecureString" }));
  await putRelease({
    app: "hello",
    env: "prod",
    releaseId: BASE,
    source: { kind: "ref", ref: "main" },
    slug: Buffer.from("slug bytes"),
    environment: Buffer.from("/gantry/hello/prod/env/PORT:1\n"),
    createdAt: "2026-01-05T09:00:00.000Z",
  });
  await pointCurrent("hello", "prod", BASE);
});

afterEach(() => {
  store.s3.restore();
  resetRuntime();
});

const envOf = async (releaseId: string) => Buffer.from((await fetchRelease("hello", "prod", releaseId)).environment).toString("utf8");

describe("createConfigRelease", () => {
  it("writes the variable to SSM as a SecureString and stores the running slug under <commit>-c1 with every variable pinned", async () => {
    const result = await createConfigRelease({ app: "hello", env: "prod", set: [{ name: "TOKEN", value: SECRET }] });

    expect(result).toMatchObject({ outcome: "created", releaseId: `${BASE}-c1`, base: BASE, written: { TOKEN: 1 }, pins: { PORT: 1, TOKEN: 1 } });
    expect(await envOf(`${BASE}-c1`)).toBe("/gantry/hello/prod/env/PORT:1\n/gantry/hello/prod/env/TOKEN:1\n");
    expect(Buffer.from((await fetchRelease("hello", "prod", `${BASE}-c1`)).slug).toString("utf8")).toBe("slug bytes");
    expect((await readManifest("hello", "prod", `${BASE}-c1`))?.source).toEqual({ kind: "config", base: BASE });
    const stored = await runtime()
      .client(SSMClient)
      .send(new GetParameterCommand({ Name: "/gantry/hello/prod/env/TOKEN", WithDecryption: true }));
    expect(stored.Parameter).toMatchObject({ Type: "SecureString", Value: SECRET });
    expect([...store.objects.values()].some((bytes) => Buffer.from(bytes).toString("utf8").includes(SECRET))).toBe(false);
    expect(await readCurrent("hello", "prod")).toBe(BASE);
  });

  it("makes no release when every value is already so", async () => {
    const result = await createConfigRelease({ app: "hello", env: "prod", set: [{ name: "PORT", value: "8080" }] });

    expect(result).toEqual({ outcome: "unchanged", current: BASE, unchanged: ["PORT"] });
    expect(await readManifest("hello", "prod", `${BASE}-c1`)).toBeUndefined();
  });

  it("takes the next free generation, and pins an unset variable no more", async () => {
    await createConfigRelease({ app: "hello", env: "prod", set: [{ name: "GREETING", value: "hi" }] });
    // current still names the base (the c1 deploy has not finished): the next change must not reuse c1.
    const result = await createConfigRelease({ app: "hello", env: "prod", unset: ["PORT"] });

    expect(result).toMatchObject({ outcome: "created", releaseId: `${BASE}-c2`, removed: ["PORT"], pins: { GREETING: 1 } });
    expect(await envOf(`${BASE}-c2`)).toBe("/gantry/hello/prod/env/GREETING:1\n");
  });

  it("fails naming what was written and what was not when SSM refuses a write partway, and makes no release", async () => {
    cloud.failNext("PutParameter", "AccessDeniedException");
    const change = createConfigRelease({
      app: "hello",
      env: "prod",
      set: [
        { name: "A_FIRST", value: "1" },
        { name: "B_SECOND", value: SECRET },
      ],
    });

    await expect(change).rejects.toThrow(ConfigWriteIncompleteError);
    await expect(change).rejects.toThrow(
      /Writing \/gantry\/hello\/prod\/env\/A_FIRST failed \(AccessDeniedException: .*\): written nothing; not written A_FIRST, B_SECOND\. No release was made/,
    );
    await expect(change).rejects.not.toThrow(SECRET);
    expect(await readManifest("hello", "prod", `${BASE}-c1`)).toBeUndefined();
  });

  it("names the variables already written when a later one fails", async () => {
    let puts = 0;
    const ssm = runtime().client(SSMClient);
    const send = ssm.send.bind(ssm);
    ssm.send = ((command: { constructor: { name: string } }) => {
      if (command.constructor.name === "PutParameterCommand" && ++puts === 2)
        return Promise.reject(Object.assign(new Error("denied"), { name: "AccessDeniedException" }));
      return send(command as never);
    }) as typeof ssm.send;

    const change = createConfigRelease({
      app: "hello",
      env: "prod",
      set: [
        { name: "A_FIRST", value: "1" },
        { name: "B_SECOND", value: "2" },
      ],
    });

    await expect(change).rejects.toThrow(/written A_FIRST \(version 1\); not written B_SECOND\./);
  });

  it("makes the release from what SSM holds when run again after the store refused it", async () => {
    store.faults.refusePuts = 1;
    await expect(createConfigRelease({ app: "hello", env: "prod", set: [{ name: "GREETING", value: "hi" }] })).rejects.toThrow(/Could not write/);
    expect(await readManifest("hello", "prod", `${BASE}-c1`)).toBeUndefined();

    const again = await createConfigRelease({ app: "hello", env: "prod", set: [{ name: "GREETING", value: "hi" }] });

    expect(again).toMatchObject({ outcome: "created", releaseId: `${BASE}-c1`, written: {}, unchanged: ["GREETING"], pins: { GREETING: 1, PORT: 1 } });
  });

  it("rejects unsetting a variable that is not set before writing anything", async () => {
    await expect(createConfigRelease({ app: "hello", env: "prod", unset: ["NOPE"] })).rejects.toThrow(InvalidConfigChangeError);
  });

  it("rejects a change to an app/env that runs no release, naming the pointer and what to do", async () => {
    await expect(createConfigRelease({ app: "hello", env: "staging", set: [{ name: "A", value: "1" }] })).rejects.toThrow(NoCurrentReleaseError);
    await expect(createConfigRelease({ app: "hello", env: "staging", set: [{ name: "A", value: "1" }] })).rejects.toThrow(
      /s3:\/\/gantry-releases\/hello\/staging\/current is missing/,
    );
  });
});
