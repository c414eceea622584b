import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  DeleteParameterCommand,
  DeleteParametersCommand,
  GetParameterCommand,
  GetParameterHistoryCommand,
  GetParametersByPathCommand,
  GetParametersCommand,
  LabelParameterVersionCommand,
  ParameterAlreadyExists,
  ParameterMaxVersionLimitExceeded,
  ParameterNotFound,
  ParameterVersionNotFound,
  PutParameterCommand,
  SSMClient,
} from "@aws-sdk/client-ssm";
import { afterEach, describe, expect, it } from "vitest";
import { VirtualClock } from "../../../local/clock.js";
import { attachLocalCloud, LocalCloud } from "../../../local/cloud/index.js";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function ssmClient(cloud: LocalCloud): SSMClient {
  return attachLocalCloud(new SSMClient({ region: "eu-west-1", credentials: { accessKeyId: "x", secretAccessKey: "y" } }), cloud);
}

const put = (client: SSMClient, Name: string, Value: string, Overwrite = true) =>
  client.send(new PutParameterCommand({ Name, Value, Type: "SecureString", Overwrite }));

describe("local SSM Parameter Store", () => {
  it("versions every overwrite and refuses to replace an existing parameter without Overwrite", async () => {
    const ssm = ssmClient(new LocalCloud());

    expect((await put(ssm, "/gantry/hello/prod/env/GREETING", "hi", false)).Version).toBe(1);
    await expect(put(ssm, "/gantry/hello/prod/env/GREETING", "hello", false)).rejects.toBeInstanceOf(ParameterAlreadyExists);
    expect((await put(ssm, "/gantry/hello/prod/env/GREETING", "hello")).Version).toBe(2);

    const latest = await ssm.send(new GetParameterCommand({ Name: "/gantry/hello/prod/env/GREETING", WithDecryption: true }));
    const first = await ssm.send(new GetParameterCommand({ Name: "/gantry/hello/prod/env/GREETING:1", WithDecryption: true }));
    expect(latest.Parameter).toMatchObject({ Value: "hello", Version: 2, Type: "SecureString" });
    expect(first.Parameter).toMatchObject({ Name: "/gantry/hello/prod/env/GREETING", Value: "hi", Version: 1, Selector: ":1" });
  });

  it("shows a SecureString's value only with WithDecryption", async () => {
    const ssm = ssmClient(new LocalCloud());
    await put(ssm, "/gantry/hello/prod/env/TOKEN", "s3cr3t-value");

    const hidden = await ssm.send(new GetParameterCommand({ Name: "/gantry/hello/prod/env/TOKEN" }));

    expect(hidden.Parameter?.Value).not.toContain("s3cr3t-value");
    expect(hidden.Parameter?.Value).toMatch(/^AQICAH/);
  });

  it("pages GetParametersByPath at most 10 a page, and goes deeper only with Recursive", async () => {
    const ssm = ssmClient(new LocalCloud());
    for (let index = 0; index < 13; index++) await put(ssm, `/gantry/hello/prod/env/V${String(index).padStart(2, "0")}`, `value ${index}`);
    await put(ssm, "/gantry/hello/prod/env/deeper/X", "x");
    await put(ssm, "/gantry/hello/prodx/env/Y", "y");

    const first = await ssm.send(new GetParametersByPathCommand({ Path: "/gantry/hello/prod/env/", WithDecryption: true }));
    const second = await ssm.send(new GetParametersByPathCommand({ Path: "/gantry/hello/prod/env/", WithDecryption: true, NextToken: first.NextToken }));
    const recursive = await ssm.send(new GetParametersByPathCommand({ Path: "/gantry/hello/prod", Recursive: true, MaxResults: 10 }));

    expect(first.Parameters).toHaveLength(10);
    expect(second.Parameters?.map((parameter) => parameter.Name)).toEqual([
      "/gantry/hello/prod/env/V10",
      "/gantry/hello/prod/env/V11",
      "/gantry/hello/prod/env/V12",
    ]);
    expect(second.NextToken).toBeUndefined();
    expect(recursive.NextToken).toBeDefined();
    await expect(ssm.send(new GetParametersByPathCommand({ Path: "/gantry/", MaxResults: 11 }))).rejects.toMatchObject({ name: "ValidationException" });
  });

  it("answers GetParameters with version and label selectors, listing what it cannot find as InvalidParameters", async () => {
    const ssm = ssmClient(new LocalCloud());
    await put(ssm, "/gantry/hello/prod/env/A", "a1");
    await put(ssm, "/gantry/hello/prod/env/A", "a2");
    await ssm.send(new LabelParameterVersionCommand({ Name: "/gantry/hello/prod/env/A", ParameterVersion: 1, Labels: ["stable", "1bad", "awsx"] }));

    const out = await ssm.send(
      new GetParametersCommand({
        Names: ["/gantry/hello/prod/env/A:1", "/gantry/hello/prod/env/A:stable", "/gantry/hello/prod/env/A:9", "/gantry/hello/prod/env/B"],
        WithDecryption: true,
      }),
    );

    expect(out.Parameters?.map((parameter) => [parameter.Selector, parameter.Value])).toEqual([
      [":1", "a1"],
      [":stable", "a1"],
    ]);
    expect(out.InvalidParameters).toEqual(["/gantry/hello/prod/env/A:9", "/gantry/hello/prod/env/B"]);
  });

  it("moves a label to the version it is attached to last", async () => {
    const ssm = ssmClient(new LocalCloud());
    await put(ssm, "/p", "1");
    await put(ssm, "/p", "2");
    await ssm.send(new LabelParameterVersionCommand({ Name: "/p", ParameterVersion: 1, Labels: ["live"] }));
    await ssm.send(new LabelParameterVersionCommand({ Name: "/p", ParameterVersion: 2, Labels: ["live"] }));

    const history = await ssm.send(new GetParameterHistoryCommand({ Name: "/p" }));

    expect(history.Parameters?.map((version) => [version.Version, version.Labels])).toEqual([
      [1, []],
      [2, ["live"]],
    ]);
  });

  it("keeps the 100 newest versions, and refuses a 101st when the oldest has a label", async () => {
    const ssm = ssmClient(new LocalCloud());
    for (let version = 1; version <= 100; version++) await put(ssm, "/p", `v${version}`);
    await put(ssm, "/p", "v101");
    await expect(ssm.send(new GetParameterCommand({ Name: "/p:1" }))).rejects.toBeInstanceOf(ParameterVersionNotFound);
    await ssm.send(new LabelParameterVersionCommand({ Name: "/p", ParameterVersion: 2, Labels: ["keep"] }));

    await expect(put(ssm, "/p", "v102")).rejects.toBeInstanceOf(ParameterMaxVersionLimitExceeded);
  });

  it("deletes a parameter with all its versions; DeleteParameters lists names it did not have", async () => {
    const ssm = ssmClient(new LocalCloud());
    await put(ssm, "/a", "1");
    await put(ssm, "/b", "1");

    const out = await ssm.send(new DeleteParametersCommand({ Names: ["/a", "/c"] }));
    await ssm.send(new DeleteParameterCommand({ Name: "/b" }));

    expect(out).toMatchObject({ DeletedParameters: ["/a"], InvalidParameters: ["/c"] });
    await expect(ssm.send(new DeleteParameterCommand({ Name: "/b" }))).rejects.toBeInstanceOf(ParameterNotFound);
    await expect(ssm.send(new GetParameterCommand({ Name: "/a:1" }))).rejects.toBeInstanceOf(ParameterNotFound);
  });

  it("keeps parameters in a file readable by its owner only, shared by every cloud opened on it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "gantry-ssm-"));
    dirs.push(dir);
    const file = join(dir, "parameters.json");
    await put(ssmClient(new LocalCloud({ parameterFile: file, clock: new VirtualClock() })), "/gantry/hello/prod/env/GREETING", "hi");

    const later = await ssmClient(new LocalCloud({ parameterFile: file })).send(
      new GetParameterCommand({ Name: "/gantry/hello/prod/env/GREETING", WithDecryption: true }),
    );

    expect(later.Parameter).toMatchObject({ Value: "hi", Version: 1 });
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });
});
