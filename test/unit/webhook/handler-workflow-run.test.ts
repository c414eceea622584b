import { ExecutionAlreadyExists, StartExecutionCommand, type StartExecutionCommandInput } from "@aws-sdk/client-sfn";
import { describe, expect, it } from "vitest";
import { parseDeployInput } from "../../../functions/core/config/input.js";
import { DELIVERY, RECEIVED_AT, STATE_MACHINE_ARN, TG, call, delivery, pushToBranch, workflowRunRequested, workflowRunSucceeded } from "./github.js";
import { webhookEnvironment } from "./environment.js";

const { sfn } = webhookEnvironment({ answerStartExecution: false });
const SHA = "3484a3fb816e0859fd6e1cea078d76385ff50625";

/** Step Functions as it behaves: a name starts one execution; taking it again fails. */
function stepFunctionsKeepingNames(): string[] {
  const started: string[] = [];
  sfn.on(StartExecutionCommand).callsFake((input: StartExecutionCommandInput) => {
    const name = input.name ?? "";
    if (started.includes(name)) throw new ExecutionAlreadyExists({ message: `Execution Already Exists: '${name}'`, $metadata: { httpStatusCode: 400 } });
    started.push(name);
    return { executionArn: `${STATE_MACHINE_ARN.replace(":stateMachine:", ":execution:")}:${name}`, startDate: new Date(RECEIVED_AT) };
  });
  return started;
}

describe("webhook handler, workflow_run for an environment that deploys after a workflow", () => {
  it('starts one deploy of the run\'s head commit once workflow "test" completed successfully on master', async () => {
    const started = stepFunctionsKeepingNames();

    const answer = await call(await delivery(workflowRunSucceeded(), { event: "workflow_run" }));

    const name = "octo-prod-3484a3fb816e-72d3162e";
    expect(answer.status).toBe(202);
    expect(answer.body).toMatchObject({ executionName: name, executionArn: `arn:aws:states:eu-west-1:123456789012:execution:gantry-deploy:${name}` });
    expect(started).toEqual([name]);
    const input = JSON.parse(sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input.input ?? "null") as unknown;
    expect(input).toMatchObject({
      app: "octo",
      env: "prod",
      release: { id: "3484a3fb816e", ref: "refs/heads/master", commit: SHA },
      group: { autoScalingGroupName: "octo-prod", targetGroupArns: [TG] },
      trigger: { source: "github", deliveryId: DELIVERY, actor: "Codertocat", receivedAt: RECEIVED_AT },
    });
    expect(parseDeployInput(input).release?.id).toBe("3484a3fb816e");
  });

  it("answers a redelivery as already handled, starting nothing more", async () => {
    const started = stepFunctionsKeepingNames();
    const run = workflowRunSucceeded();

    await call(await delivery(run, { event: "workflow_run" }));
    const again = await call(await delivery(run, { event: "workflow_run" }));

    expect(again.status).toBe(202);
    expect(again.body).toMatchObject({ alreadyHandled: true, executionName: "octo-prod-3484a3fb816e-72d3162e" });
    expect(started).toHaveLength(1);
  });

  it("ignores a run that is only requested, with the reason", async () => {
    stepFunctionsKeepingNames();

    const answer = await call(await delivery(workflowRunRequested(), { event: "workflow_run" }));

    expect(answer).toMatchObject({ status: 202, body: { ignored: true, reason: 'Workflow "test" is requested; gantry deploys once a run has completed.' } });
    expect(sfn).toHaveReceivedCommandTimes(StartExecutionCommand, 0);
  });

  it("acknowledges a push to that branch and ignores it: the workflow run deploys it", async () => {
    stepFunctionsKeepingNames();
    const push = { ...pushToBranch(), repository: { ...pushToBranch().repository, full_name: "octo-org/octo-repo" } };

    const answer = await call(await delivery(push));

    expect(answer.status).toBe(202);
    expect(answer.body).toEqual({
      ignored: true,
      reason:
        'octo/prod deploys when workflow "test" completes successfully on master, not on the push itself (trigger: { workflowRun }); this push starts nothing.',
    });
    expect(sfn).toHaveReceivedCommandTimes(StartExecutionCommand, 0);
  });

  it("ignores a successful run for an environment that deploys on push", async () => {
    stepFunctionsKeepingNames();
    const run = workflowRunSucceeded();
    const onHello = {
      ...run,
      repository: { ...run.repository, full_name: "Codertocat/Hello-World" },
      workflow_run: { ...run.workflow_run, head_repository: { ...run.workflow_run.head_repository, full_name: "Codertocat/Hello-World" } },
    };

    const answer = await call(await delivery(onHello, { event: "workflow_run" }));

    expect(answer.body).toEqual({
      ignored: true,
      reason:
        'hello/prod deploys on push (trigger "push"), so workflow runs start nothing; set trigger: { workflowRun: "test" } to deploy when that workflow succeeds.',
    });
    expect(sfn).toHaveReceivedCommandTimes(StartExecutionCommand, 0);
  });
});
