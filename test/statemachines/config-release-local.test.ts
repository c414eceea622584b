import { PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createConfigRelease } from "../../functions/aws/releases/config-release.js";
import { fetchRelease, pointCurrent, putRelease, readCurrent } from "../../functions/aws/releases/release-store.js";
import { runtime } from "../../functions/aws/runtime.js";
import { closeLocalDynamo } from "../../local/dynamo-session.js";
import { LOCAL_RELEASE_BUCKET, startLocalS3, type LocalS3 } from "../../local/s3/index.js";
import { createLocalFleet, runLocalDeploy } from "../../local/scenario.js";
import { fleetState } from "../../local/watch.js";

const BASE = "3f2c1ab9e8d7";
const SECRET = "tok-5ecret-8c1d2e";
const strategy = { batches: ["50%"], bakeSeconds: 30, pollSeconds: 10 };

let s3: LocalS3;
beforeAll(async () => {
  s3 = await startLocalS3();
});
afterAll(async () => {
  await s3.close();
  await closeLocalDynamo();
});

describe("a configuration change deployed as a release", () => {
  it("rolls out <commit>-c1 through the deploy state machine, points current at it, and no value reaches the execution or the logs", async () => {
    const fleet = createLocalFleet({ instances: 4, app: "cfgone", release: BASE, runtime: { releaseBucket: LOCAL_RELEASE_BUCKET, logLevel: "DEBUG" } });
    await runtime()
      .client(SSMClient)
      .send(new PutParameterCommand({ Name: "/gantry/cfgone/prod/env/PORT", Value: "8080", Type: "SecureString" }));
    await putRelease({
      app: "cfgone",
      env: "prod",
      releaseId: BASE,
      source: { kind: "ref", ref: "main" },
      slug: Buffer.from("slug"),
      environment: Buffer.from("/gantry/cfgone/prod/env/PORT:1\n"),
      createdAt: new Date(fleet.clock.now()).toISOString(),
    });
    await pointCurrent("cfgone", "prod", BASE);
    const written: string[] = [];
    const capture = (chunk: unknown) => {
      written.push(String(chunk));
      return true;
    };
    const out = vi.spyOn(process.stdout, "write").mockImplementation(capture);
    const err = vi.spyOn(process.stderr, "write").mockImplementation(capture);

    let record;
    let change;
    try {
      change = await createConfigRelease({ app: "cfgone", env: "prod", set: [{ name: "TOKEN", value: SECRET }] });
      if (change.outcome !== "created") throw new Error("expected a release");
      record = await runLocalDeploy(fleet, fleet.deployInput(change.releaseId, { strategy }));
    } finally {
      out.mockRestore();
      err.mockRestore();
    }

    expect(record.status).toBe("SUCCEEDED");
    expect(fleetState(fleet).releases).toEqual(Array(4).fill(`${BASE}-c1:InService`));
    expect(await readCurrent("cfgone", "prod")).toBe(`${BASE}-c1`);
    expect(Buffer.from((await fetchRelease("cfgone", "prod", `${BASE}-c1`)).environment).toString("utf8")).toBe(
      "/gantry/cfgone/prod/env/PORT:1\n/gantry/cfgone/prod/env/TOKEN:1\n",
    );
    // Every step's input and output, as the execution history would hold them, and every log line the steps wrote.
    const history = JSON.stringify(record);
    expect(history).toContain(`${BASE}-c1`);
    expect(history).not.toContain(SECRET);
    expect(written.join("").length).toBeGreaterThan(0);
    expect(written.join("")).toContain(`${BASE}-c1`);
    expect(written.join("")).not.toContain(SECRET);
    expect(JSON.stringify(change)).not.toContain(SECRET);
  });
});
