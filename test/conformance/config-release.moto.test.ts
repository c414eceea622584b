import { CreateBucketCommand, S3Client, type BucketLocationConstraint } from "@aws-sdk/client-s3";
import { PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { beforeAll, describe, expect, it } from "vitest";
import { createConfigRelease } from "../../functions/aws/releases/config-release.js";
import { readEnvironmentParameters, readPinnedEnvironment } from "../../functions/aws/releases/environment-parameters.js";
import { fetchRelease, pointCurrent, putRelease, readCurrent } from "../../functions/aws/releases/release-store.js";
import { createRuntime, provideRuntime, runtime } from "../../functions/aws/runtime.js";
import { AppEnvironmentUnreadableError } from "../../functions/core/errors.js";
import { REGION } from "./moto-backend.js";

const BUCKET = "gantry-config-releases";
const BASE = "5e3d34218650";
const pinsOf = async (releaseId: string) => Buffer.from((await fetchRelease("cfg", "prod", releaseId)).environment).toString("utf8");

beforeAll(async () => {
  // The CLI's runtime as on AWS: the SDK reaches moto through AWS_ENDPOINT_URL alone.
  provideRuntime(createRuntime({ settings: { region: REGION, forcePathStyle: true }, env: { region: REGION, releaseBucket: BUCKET } }));
  await runtime()
    .client(S3Client)
    .send(new CreateBucketCommand({ Bucket: BUCKET, CreateBucketConfiguration: { LocationConstraint: REGION as BucketLocationConstraint } }));
  await runtime()
    .client(SSMClient)
    .send(new PutParameterCommand({ Name: "/gantry/cfg/prod/env/GREETING", Value: "hi", Type: "SecureString" }));
  await putRelease({
    app: "cfg",
    env: "prod",
    releaseId: BASE,
    source: { kind: "ref", ref: "main" },
    slug: Buffer.from("slug"),
    environment: Buffer.from("/gantry/cfg/prod/env/GREETING:1\n"),
    createdAt: "2026-12-02T05:00:00.000Z",
  });
  await pointCurrent("cfg", "prod", BASE);
});

describe("configuration releases on moto's SSM and S3", () => {
  it("writes SecureStrings with new versions, stores <commit>-c1 with the versions pinned, and reads exactly those versions back", async () => {
    const result = await createConfigRelease({
      app: "cfg",
      env: "prod",
      set: [
        { name: "GREETING", value: "hello" },
        { name: "TOKEN", value: "t0k" },
      ],
    });

    expect(result).toMatchObject({ outcome: "created", releaseId: `${BASE}-c1`, written: { GREETING: 2, TOKEN: 1 }, pins: { GREETING: 2, TOKEN: 1 } });
    expect(await pinsOf(`${BASE}-c1`)).toBe("/gantry/cfg/prod/env/GREETING:2\n/gantry/cfg/prod/env/TOKEN:1\n");
    expect(await readPinnedEnvironment("cfg", "prod", await pinsOf(`${BASE}-c1`))).toEqual({ GREETING: "hello", TOKEN: "t0k" });
    // The base release still reads the value it was made with: a rollback brings its configuration back.
    expect(await readPinnedEnvironment("cfg", "prod", await pinsOf(BASE))).toEqual({ GREETING: "hi" });
    expect(await readCurrent("cfg", "prod")).toBe(BASE);
  });

  it("makes no release when nothing changes, and the next generation after an unset", async () => {
    expect(await createConfigRelease({ app: "cfg", env: "prod", set: [{ name: "GREETING", value: "hello" }] })).toMatchObject({
      outcome: "created",
      releaseId: `${BASE}-c2`,
    });
    await pointCurrent("cfg", "prod", `${BASE}-c2`);
    expect(await createConfigRelease({ app: "cfg", env: "prod", set: [{ name: "GREETING", value: "hello" }] })).toMatchObject({ outcome: "unchanged" });

    const unset = await createConfigRelease({ app: "cfg", env: "prod", unset: ["TOKEN"] });

    expect(unset).toMatchObject({ outcome: "created", releaseId: `${BASE}-c3`, removed: ["TOKEN"], pins: { GREETING: 2 } });
    expect(Object.keys(await readEnvironmentParameters("cfg", "prod"))).toEqual(["GREETING"]);
    // SSM deletes a parameter with all its versions: a release that pinned it can no longer boot, and says why.
    await expect(readPinnedEnvironment("cfg", "prod", await pinsOf(`${BASE}-c1`))).rejects.toThrow(AppEnvironmentUnreadableError);
    await expect(readPinnedEnvironment("cfg", "prod", await pinsOf(`${BASE}-c1`))).rejects.toThrow("SSM has no /gantry/cfg/prod/env/TOKEN:1");
  });
});
