import { StartExecutionCommand } from "@aws-sdk/client-sfn";
import { describe, expect, it } from "vitest";
import type { RunOptions } from "../../cli/commands/schedule-run.js";
import { runScheduleOnAws } from "../../cli/run/schedule-run.js";
import { StackOutputMissingError } from "../../functions/core/errors.js";
import { DEPLOY_MACHINE, TABLE, captureEachTest, deployHistory, runningExecution, sfn, stackWith } from "./aws-fixtures.js";

const NOW = Date.UTC(2026, 2, 24, 6, 0, 0);
const POWER_MACHINE = DEPLOY_MACHINE.replace("GantryDeployStateMachine", "GantryPowerStateMachine");
const NAME = `office-hours-start-manual-${NOW.toString(36)}`;
const powerExecutionArn = `${POWER_MACHINE.replace(":stateMachine:", ":execution:")}:${NAME}`;
const options = (extra: Partial<RunOptions> = {}): RunOptions => ({ stack: "Gantry", config: "gantry.config.ts", instances: 1, ...extra });
const follow = { now: () => NOW, wait: async () => undefined };

const output = captureEachTest({ AWS_REGION: "eu-west-1" });

describe("gantry schedule run on AWS", () => {
  it("starts the stack's power state machine with the schedule and action, as Scheduler would", async () => {
    stackWith({ DeployStateMachineArn: DEPLOY_MACHINE, PowerStateMachineArn: POWER_MACHINE, TableName: TABLE });
    sfn.on(StartExecutionCommand).resolves({ executionArn: powerExecutionArn, startDate: new Date(NOW) });

    const code = await runScheduleOnAws("office-hours", "start", options({ json: true }), follow);

    expect(code).toBe(0);
    const sent = sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input;
    expect(sent).toMatchObject({ stateMachineArn: POWER_MACHINE, name: NAME });
    expect(JSON.parse(sent?.input ?? "")).toEqual({ schedule: "office-hours", action: "start" });
    expect(output.lastJson<{ executionArn: string; consoleUrl: string }>()).toMatchObject({
      executionArn: powerExecutionArn,
      consoleUrl: expect.stringContaining("console.aws.amazon.com/states"),
    });
  });

  it("with --wait follows the execution and exits 1 when a target failed", async () => {
    stackWith({ DeployStateMachineArn: DEPLOY_MACHINE, PowerStateMachineArn: POWER_MACHINE, TableName: TABLE });
    const history = deployHistory({ schedule: "office-hours", action: "start" }, [{ state: "Plan power", type: "Task", output: {} }], {
      error: "PowerTargetsFailed",
      cause: "1 of 2 did not start: i-0123456789abcdef0 (Server.InternalError)",
    });
    runningExecution(NAME, { schedule: "office-hours", action: "start" }, history, 100);
    // The fixture answers Describe/History for executions under the deploy machine's ARN: start one there.
    sfn.on(StartExecutionCommand).resolves({ executionArn: `${DEPLOY_MACHINE.replace(":stateMachine:", ":execution:")}:${NAME}`, startDate: new Date(NOW) });

    const code = await runScheduleOnAws("office-hours", "start", options({ wait: true }), follow);

    expect(code).toBe(1);
    expect(output.stdout() + output.stderr()).toContain("PowerTargetsFailed");
  });

  it("refuses a schedule the configuration lacks and a stack without a power state machine, saying which", async () => {
    await expect(runScheduleOnAws("night", "stop", options(), follow)).rejects.toThrow('has no schedule "night" (configured: office-hours)');
    stackWith({ DeployStateMachineArn: DEPLOY_MACHINE, TableName: TABLE });
    await expect(runScheduleOnAws("office-hours", "stop", options(), follow)).rejects.toThrow(StackOutputMissingError);
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });
});
