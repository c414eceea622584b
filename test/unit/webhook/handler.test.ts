import { ExecutionAlreadyExists, StartExecutionCommand, type StartExecutionCommandInput } from "@aws-sdk/client-sfn";
import { describe, expect, it } from "vitest";
import { parseDeployInput } from "../../../functions/core/config/input.js";
import {
  DELIVERY,
  RECEIVED_AT,
  STATE_MACHINE_ARN,
  TG,
  branchDeletion,
  call,
  delivery,
  issueOpened,
  ping,
  pushOfTag,
  pushToBranch,
  testConfig,
} from "./github.js";
import { webhookEnvironment } from "./environment.js";

const { sfn } = webhookEnvironment({ answerStartExecution: false });

/** Step Functions as it behaves: a name starts one execution; taking it again fails. */
function stepFunctionsKeepingNames(): Set<string> {
  const started = new Set<string>();
  sfn.on(StartExecutionCommand).callsFake((input: StartExecutionCommandInput) => {
    const name = input.name ?? "";
    if (started.has(name)) throw new ExecutionAlreadyExists({ message: `Execution Already Exists: '${name}'`, $metadata: { httpStatusCode: 400 } });
    started.add(name);
    return { executionArn: `${STATE_MACHINE_ARN.replace(":stateMachine:", ":execution:")}:${name}`, startDate: new Date(RECEIVED_AT) };
  });
  return started;
}

function startedInput(index = 0): unknown {
  const command = sfn.commandCalls(StartExecutionCommand)[index];
  return JSON.parse(command?.args[0].input.input ?? "null");
}

describe("webhook handler, push to a configured branch", () => {
  it("starts one deploy of the head commit and answers 202 with where to watch it", async () => {
    stepFunctionsKeepingNames();

    const answer = await call(await delivery(pushToBranch()));

    const name = "hello-prod-6113728f27ae-72d3162e";
    const executionArn = `arn:aws:states:eu-west-1:123456789012:execution:gantry-deploy:${name}`;
    expect(answer.status).toBe(202);
    expect(answer.body).toEqual({
      executionArn,
      executionName: name,
      consoleUrl: `https://eu-west-1.console.aws.amazon.com/states/home?region=eu-west-1#/v2/executions/details/${executionArn}`,
    });
    expect(sfn).toHaveReceivedCommandTimes(StartExecutionCommand, 1);
    expect(sfn).toHaveReceivedCommandWith(StartExecutionCommand, { stateMachineArn: STATE_MACHINE_ARN, name, input: expect.any(String) as string });
    expect(startedInput()).toEqual({
      app: "hello",
      env: "prod",
      release: { id: "6113728f27ae", ref: "refs/heads/master", commit: pushToBranch().after },
      group: { autoScalingGroupName: "hello-prod", targetGroupArns: [TG] },
      strategy: testConfig.apps.hello?.environments.prod?.strategy,
      gates: { alarms: [] },
      trigger: { source: "github", deliveryId: DELIVERY, actor: "Codertocat", receivedAt: RECEIVED_AT },
    });
  });

  it("passes the deploy state machine an input it accepts, with the configured strategy", async () => {
    stepFunctionsKeepingNames();

    await call(await delivery(pushToBranch()));

    const input = parseDeployInput(startedInput());
    expect(input.strategy.batches).toEqual([1, "50%"]);
    expect(input.trigger?.receivedAt).toBe(RECEIVED_AT);
  });

  it("answers a redelivery as already handled without starting a second execution", async () => {
    const started = stepFunctionsKeepingNames();
    const push = pushToBranch();

    const first = await call(await delivery(push));
    const again = await call(await delivery(push));

    expect(first.status).toBe(202);
    expect(again.status).toBe(202);
    expect(again.body).toEqual({
      alreadyHandled: true,
      executionName: first.body.executionName,
      executionArn: first.body.executionArn,
      consoleUrl: first.body.consoleUrl,
    });
    expect([...started]).toEqual(["hello-prod-6113728f27ae-72d3162e"]);
  });

  it("starts a second deploy for a second delivery of the same commit", async () => {
    const started = stepFunctionsKeepingNames();

    await call(await delivery(pushToBranch()));
    const second = await call(await delivery(pushToBranch(), { delivery: "9a1e0f3c-cc78-11e3-81ab-4c9367dc0958" }));

    expect(second.body.alreadyHandled).toBeUndefined();
    expect([...started]).toEqual(["hello-prod-6113728f27ae-72d3162e", "hello-prod-6113728f27ae-9a1e0f3c"]);
  });

  it("uses the sender's login when the pusher has no name", async () => {
    stepFunctionsKeepingNames();
    const push = { ...pushToBranch(), pusher: { email: null } };

    await call(await delivery(push));

    expect(startedInput()).toMatchObject({ trigger: { actor: "Codertocat" } });
  });

  it("reads a base64-encoded body as the bytes GitHub signed", async () => {
    stepFunctionsKeepingNames();

    const answer = await call(await delivery(pushToBranch(), { base64: true }));

    expect(answer.status).toBe(202);
    expect(sfn).toHaveReceivedCommandTimes(StartExecutionCommand, 1);
  });

  it("reads a push sent as a form (content type application/x-www-form-urlencoded)", async () => {
    stepFunctionsKeepingNames();
    const form = new URLSearchParams({ payload: JSON.stringify(pushToBranch()) }).toString();

    const answer = await call(await delivery(form, { contentType: "application/x-www-form-urlencoded" }));

    expect(answer.status).toBe(202);
    expect(startedInput()).toMatchObject({ release: { id: "6113728f27ae" } });
  });
});

describe("webhook handler, pushes that deploy nothing", () => {
  it("ignores a tag push, saying why", async () => {
    const answer = await call(await delivery(pushOfTag()));

    expect(answer).toMatchObject({ status: 202, body: { ignored: true, reason: "refs/tags/simple-tag is a tag; gantry deploys pushes to branches." } });
    expect(sfn).not.toHaveReceivedCommand(StartExecutionCommand);
  });

  it("ignores the deletion of a configured branch", async () => {
    const answer = await call(await delivery(branchDeletion()));

    expect(answer).toMatchObject({
      status: 202,
      body: { ignored: true, reason: "The push deleted branch master of Codertocat/Hello-World; there is nothing to deploy." },
    });
    expect(sfn).not.toHaveReceivedCommand(StartExecutionCommand);
  });

  it("ignores a push to a branch no environment deploys, naming the ones that do", async () => {
    const answer = await call(await delivery({ ...pushToBranch(), ref: "refs/heads/feature/login" }));

    expect(answer).toMatchObject({
      status: 202,
      body: { ignored: true, reason: "Branch feature/login of Codertocat/Hello-World deploys no environment (configured: master → prod, staging → staging)." },
    });
    expect(sfn).not.toHaveReceivedCommand(StartExecutionCommand);
  });

  it("ignores a push to a repository gantry does not deploy", async () => {
    const push = pushToBranch();
    const answer = await call(await delivery({ ...push, repository: { ...push.repository, full_name: "Octocoders/Other" } }));

    expect(answer).toMatchObject({
      status: 202,
      body: { ignored: true, reason: "Repository Octocoders/Other is not in gantry's configuration; nothing deploys from it." },
    });
    expect(sfn).not.toHaveReceivedCommand(StartExecutionCommand);
  });

  it("ignores events other than push and ping", async () => {
    const answer = await call(await delivery(issueOpened(), { event: "issues" }));

    expect(answer).toMatchObject({ status: 202, body: { ignored: true, reason: "gantry acts on push and workflow_run events; issues events start nothing." } });
    expect(sfn).not.toHaveReceivedCommand(StartExecutionCommand);
  });
});

describe("webhook handler, ping", () => {
  it("answers 200 with GitHub's zen", async () => {
    const answer = await call(await delivery(ping(), { event: "ping" }));

    expect(answer).toEqual({
      status: 200,
      body: { ok: true, zen: "Anything added dilutes everything else." },
      headers: { "content-type": "application/json" },
    });
    expect(sfn).not.toHaveReceivedCommand(StartExecutionCommand);
  });
});
