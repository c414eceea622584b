import type { Context } from "aws-lambda";
import { afterEach, describe, expect, it, vi } from "vitest";
import { resetRuntime } from "../../../functions/aws/runtime.js";
import { handler as checkPower } from "../../../functions/power-check/handler.js";
import { handler as planPower } from "../../../functions/power-plan/handler.js";

/** A Lambda context as the runtime passes it, with the fields Powertools reads. */
const context = {
  functionName: "Gantry-CheckPower",
  functionVersion: "$LATEST",
  invokedFunctionArn: "arn:aws:lambda:eu-west-1:123456789012:function:Gantry-CheckPower",
  memoryLimitInMB: "256",
  awsRequestId: "c6af9ac6-7b61-11e6-9a41-93e812345678",
  getRemainingTimeInMillis: () => 60_000,
} as unknown as Context;

/** The JSON lines the functions write from now on (errors go to stderr), in a container whose level lets INFO through. */
function logLines(): string[] {
  vi.stubEnv("POWERTOOLS_LOG_LEVEL", "INFO");
  resetRuntime();
  const lines: string[] = [];
  const capture = (chunk: string | Uint8Array) => {
    lines.push(
      ...String(chunk)
        .split("\n")
        .filter((text) => text.startsWith("{")),
    );
    return true;
  };
  vi.spyOn(process.stdout, "write").mockImplementation(capture);
  vi.spyOn(process.stderr, "write").mockImplementation(capture);
  return lines;
}

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
  resetRuntime();
});

describe("the step wrapper, on a power step", () => {
  it("rejects an input that is not a power progress with InvalidPowerInputError naming the field", async () => {
    const progress = { schedule: "office-hours", action: "restart", targets: [] };

    await expect(checkPower(progress, context)).rejects.toMatchObject({
      name: "InvalidPowerInputError",
      message: expect.stringContaining('action: "restart" is invalid') as string,
    });
  });

  it("rejects a plan input whose execution start is not a time", async () => {
    await expect(planPower({ schedule: "office-hours", action: "start", execution: { name: "x", startedAt: "yesterday" } }, context)).rejects.toMatchObject({
      name: "InvalidPowerInputError",
      message: expect.stringContaining("execution.startedAt") as string,
    });
  });

  it("logs a failed run as one JSON line with the request id and the error's name", async () => {
    const output = logLines();

    await expect(checkPower({}, context)).rejects.toThrow();

    expect(output).toHaveLength(1);
    expect(JSON.parse(output[0] ?? "")).toMatchObject({
      level: "ERROR",
      message: "check-power",
      service: "gantry",
      function_request_id: "c6af9ac6-7b61-11e6-9a41-93e812345678",
      function_name: "Gantry-CheckPower",
      error: "InvalidPowerInputError",
      reason: expect.stringContaining('The input of "check-power" is invalid') as string,
    });
  });

  it("logs a finished run with its summary and request id", async () => {
    const output = logLines();
    const nothingLeft = {
      schedule: "office-hours",
      action: "start",
      at: "2026-03-24T08:00:00+02:00",
      localDate: "2026-03-24",
      timezone: "Asia/Jerusalem",
      deadline: Date.parse("2026-03-24T06:20:00Z"),
      targets: [],
      done: false,
      failed: 0,
      waitSeconds: 15,
      summary: "",
    };

    const result = (await checkPower(nothingLeft, context)) as { done: boolean; summary: string };

    expect(result.done).toBe(true);
    expect(JSON.parse(output[0] ?? "")).toMatchObject({
      level: "INFO",
      message: "check-power",
      function_request_id: context.awsRequestId,
      schedule: "office-hours",
      summary: result.summary,
    });
  });

  it("fails at the first invocation, naming the variable, when the environment is wrong, and logs why", async () => {
    const output = logLines();
    vi.stubEnv("GANTRY_TABLE", "no spaces allowed");

    await expect(planPower({ schedule: "office-hours", action: "start" }, context)).rejects.toMatchObject({
      name: "InvalidEnvironmentError",
      message: expect.stringContaining('GANTRY_TABLE="no spaces allowed" is not a DynamoDB table name') as string,
    });
    expect(JSON.parse(output[0] ?? "")).toMatchObject({ level: "ERROR", message: "plan-power", error: "InvalidEnvironmentError" });
  });
});
