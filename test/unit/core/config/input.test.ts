import { describe, expect, it } from "vitest";
import { InvalidDeployInputError } from "../../../../functions/core/errors.js";
import { parseDeployInput } from "../../../../functions/core/config/input.js";
import { formatPath } from "../../../../functions/core/config/validation.js";
import { TG_WEB } from "../../fixtures.js";

const minimal = {
  app: "hello",
  env: "prod",
  release: { id: "v2" },
  group: { autoScalingGroupName: "hello-prod-web", targetGroupArns: [TG_WEB] },
};

function rejection(raw: unknown): Error {
  try {
    parseDeployInput(raw);
  } catch (error) {
    return error as Error;
  }
  throw new Error("parseDeployInput accepted the input");
}

describe("parseDeployInput", () => {
  it("applies the default strategy, gates, mode and dry run to a minimal input", () => {
    const input = parseDeployInput(minimal);

    expect(input.strategy).toEqual({
      mode: "replace",
      inPlace: { command: "/usr/local/bin/gantry-deploy", timeoutSeconds: 600, expectedSeconds: 30 },
      batches: ["25%"],
      minHealthyPercent: 100,
      bakeSeconds: 60,
      launchTimeoutSeconds: 600,
      healthTimeoutSeconds: 600,
      pollSeconds: 15,
      retire: "standby",
      approvalTimeout: "24h",
      suspendProcesses: ["AZRebalance"],
    });
    expect(input.gates).toEqual({ alarms: [] });
    expect(input.mode).toBe("deploy");
    expect(input.dryRun).toBe(false);
  });

  it("fills the fields a partial strategy leaves out", () => {
    const input = parseDeployInput({ ...minimal, strategy: { batches: [1, "50%"], retire: "terminate" } });

    expect(input.strategy.batches).toEqual([1, "50%"]);
    expect(input.strategy.retire).toBe("terminate");
    expect(input.strategy.minHealthyPercent).toBe(100);
    expect(input.strategy.bakeSeconds).toBe(60);
  });

  it("fills the HTTP gate's health path and timeout", () => {
    const input = parseDeployInput({ ...minimal, gates: { http: { port: 8080, versionPath: "/version" } } });

    expect(input.gates.http).toEqual({ port: 8080, healthPath: "/health", versionPath: "/version", timeoutMs: 2_000 });
    expect(input.gates.alarms).toEqual([]);
  });

  it("keeps the release image, trigger and dry run as given", () => {
    const input = parseDeployInput({
      ...minimal,
      release: { id: "3f2c1ab", ref: "refs/heads/main", imageId: "ami-0abc1234def567890" },
      trigger: { source: "github", deliveryId: "72d3162e-cc78-11e3-81ab-4c9367dc0958", actor: "octocat" },
      dryRun: true,
    });

    expect(input.release).toEqual({ id: "3f2c1ab", ref: "refs/heads/main", imageId: "ami-0abc1234def567890" });
    expect(input.trigger).toEqual({ source: "github", deliveryId: "72d3162e-cc78-11e3-81ab-4c9367dc0958", actor: "octocat" });
    expect(input.dryRun).toBe(true);
  });

  it("rejects a batch share above 100% with its path and value", () => {
    const error = rejection({ ...minimal, strategy: { batches: [1, "25%", "120%"] } });

    expect(error).toBeInstanceOf(InvalidDeployInputError);
    expect(error.name).toBe("InvalidDeployInputError");
    expect(error.message).toContain('strategy.batches[2]: "120%"');
    expect(error.message).toContain(`strategy.batches[2]: "120%" is above 100%`);
  });

  it("rejects a batch count of zero", () => {
    const error = rejection({ ...minimal, strategy: { batches: [0] } });

    expect(error.name).toBe("InvalidDeployInputError");
    expect(error.message).toContain("strategy.batches[0]: 0");
  });

  it("rejects an AMI id that is not one, naming the path and value", () => {
    const error = rejection({ ...minimal, release: { id: "v2", imageId: "ami-XYZ" } });

    expect(error.name).toBe("InvalidDeployInputError");
    expect(error.message).toContain('release.imageId: "ami-XYZ"');
    expect(error.message).toContain("ami-0abc1234");
  });

  it("rejects an input without a group, saying it is missing", () => {
    const withoutGroup = { app: minimal.app, env: minimal.env, release: minimal.release };

    const error = rejection(withoutGroup);

    expect(error.name).toBe("InvalidDeployInputError");
    expect(error.message).toContain("group: missing");
  });

  it("rejects a target group that is not an ARN", () => {
    const error = rejection({ ...minimal, group: { autoScalingGroupName: "web", targetGroupArns: ["web-tg"] } });

    expect(error.message).toContain('group.targetGroupArns[0]: "web-tg"');
  });

  it("rejects an app name with capitals, and names every wrong field at once", () => {
    const error = rejection({ ...minimal, app: "Hello", strategy: { minHealthyPercent: 150 } });

    expect(error.message).toContain('app: "Hello"');
    expect(error.message).toContain("strategy.minHealthyPercent: 150");
  });

  it("rejects an input that is not an object", () => {
    const error = rejection(null);

    expect(error).toBeInstanceOf(InvalidDeployInputError);
    expect(error.message).toContain("(input): null");
  });
});

describe("formatPath", () => {
  it("writes object keys with dots and array indexes in brackets", () => {
    expect(formatPath(["strategy", "batches", 2])).toBe("strategy.batches[2]");
    expect(formatPath(["group", "targetGroupArns", 0])).toBe("group.targetGroupArns[0]");
    expect(formatPath([])).toBe("");
  });
});

describe("approval checkpoints and recover mode in the input", () => {
  it("refuses approveAfter on an in-place deploy and a wrong approvalTimeout, naming the path and what to do", () => {
    expect(rejection({ ...minimal, strategy: { mode: "in-place", minHealthyPercent: 50, approveAfter: [1] } }).message).toContain(
      'strategy.approveAfter: [1] is taken only with strategy.mode "replace"',
    );
    expect(rejection({ ...minimal, strategy: { approveAfter: [1], approvalTimeout: "8d" } }).message).toContain(
      'strategy.approvalTimeout: "8d" is longer than the maximum of 7d',
    );
    expect(rejection({ ...minimal, strategy: { approvalTimeout: "soon" } }).message).toContain(
      'strategy.approvalTimeout: "soon" is not a duration such as "30m"',
    );
    expect(parseDeployInput({ ...minimal, strategy: { approveAfter: [1, "25%"], approvalTimeout: "2h" } }).strategy).toMatchObject({
      approveAfter: [1, "25%"],
      approvalTimeout: "2h",
    });
  });

  it("needs recover in recover mode, and takes it in no other", () => {
    const noRelease = { app: minimal.app, env: minimal.env, group: minimal.group };
    expect(rejection({ ...noRelease, mode: "recover" }).message).toContain("recover: missing is required in recover mode");
    expect(rejection({ ...minimal, recover: { execution: "x", status: "ABORTED" } }).message).toContain(
      'recover: {"execution":"x","status":"ABORTED"} is taken only in recover mode',
    );
    expect(parseDeployInput({ ...noRelease, mode: "recover", recover: { execution: "hello-prod-v2-1", status: "TIMED_OUT" } }).recover).toEqual({
      execution: "hello-prod-v2-1",
      status: "TIMED_OUT",
    });
  });
});
