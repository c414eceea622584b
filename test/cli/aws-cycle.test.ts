import { StartExecutionCommand } from "@aws-sdk/client-sfn";
import { describe, expect, it } from "vitest";
import { cycleOnAws, type AwsCycleOptions } from "../../cli/aws/cycle.js";
import { loadConfigFile } from "../../functions/config/load.js";
import { cycleInputFor } from "../../functions/core/cycle/cycle.js";
import { InvalidConfigError } from "../../functions/core/errors.js";
import { DEPLOY_MACHINE, captureEachTest, cloudFormation, deployHistory, executionArn, runningExecution, sfn, stackWith } from "./aws-fixtures.js";

const NOW = Date.UTC(2026, 2, 29, 2, 0, 0);
const NAME = `hello-prod-cycle-${NOW.toString(36)}`;
const options = (extra: Partial<AwsCycleOptions> = {}): AwsCycleOptions => ({ stack: "Gantry", config: "gantry.config.ts", ...extra });
const follow = { now: () => NOW, wait: async () => undefined };

const output = captureEachTest({ USER: "ada" });

describe("gantry cycle on AWS", () => {
  it("starts a cycle run on the deploy machine with the schedule's input, the trigger naming who ran it", async () => {
    stackWith();
    sfn.on(StartExecutionCommand).resolves({ executionArn: executionArn(NAME), startDate: new Date(NOW) });

    const code = await cycleOnAws("hello", "prod", options({ json: true }), follow);

    expect(code).toBe(0);
    const sent = sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input;
    expect(sent).toMatchObject({ stateMachineArn: DEPLOY_MACHINE, name: NAME });
    const config = await loadConfigFile("gantry.config.ts");
    expect(JSON.parse(sent?.input ?? "")).toEqual(cycleInputFor(config, "hello", "prod", { source: "cli", actor: "ada", receivedAt: NOW }));
    expect(output.lastJson<{ executionName: string }>()).toMatchObject({ executionName: NAME });
  });

  it("with --dry-run asks for a preview and follows it; a rolled-back run exits 1", async () => {
    stackWith();
    sfn.on(StartExecutionCommand).resolves({ executionArn: executionArn(NAME), startDate: new Date(NOW) });
    const input = { mode: "cycle" };
    runningExecution(
      NAME,
      input,
      deployHistory(input, [{ state: "Plan rollout", type: "Task", output: {} }], {
        error: "CycleRolledBack",
        cause: "Cycle of hello/prod (v1, instances over 14d) failed in batch 1 of 3 and was rolled back",
      }),
      100,
    );

    const code = await cycleOnAws("hello", "prod", options({ dryRun: true }), follow);

    expect(JSON.parse(sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input?.input ?? "")).toMatchObject({ mode: "cycle", dryRun: true });
    expect(code).toBe(1);
    expect(output.stdout() + output.stderr()).toContain("CycleRolledBack");
  });

  it("refuses an app/env without cycling before calling AWS", async () => {
    await expect(cycleOnAws("hello", "staging", options(), follow)).rejects.toThrow(InvalidConfigError);
    expect(cloudFormation.calls()).toHaveLength(0);
  });
});
