import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { QueryCommand, DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { DescribeExecutionCommand, ListExecutionsCommand, SFNClient, StartExecutionCommand } from "@aws-sdk/client-sfn";
import { GetParameterCommand, InternalServerError, SSMClient } from "@aws-sdk/client-ssm";
import type { Context } from "aws-lambda";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { provideRuntime, resetRuntime, runtimeFromEnvironment } from "../../../functions/aws/runtime.js";
import type { ChatJobEvent } from "../../../functions/aws/chat/defer.js";
import { handler } from "../../../functions/chat/handler.js";
import { CHANNEL, MEMBER, NOW, SIGNING_SECRET, SIGNING_SECRET_PARAMETER, STATE_MACHINE_ARN, call, chatConfig, request, signed, slashBody } from "./slack.js";

const ssm = mockClient(SSMClient);
const sfn = mockClient(SFNClient);
const lambda = mockClient(LambdaClient);
const dynamo = mockClient(DynamoDBDocumentClient);

/** Slack's response_url, played by a server on 127.0.0.1 that keeps what it is posted. */
const posted: { path: string; message: Record<string, unknown> }[] = [];
let slack: Server;
let responseUrl = "";

beforeAll(async () => {
  slack = createServer((incoming, answer) => {
    const chunks: Buffer[] = [];
    incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
    incoming.on("end", () => {
      posted.push({ path: incoming.url ?? "", message: JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown> });
      answer.writeHead(200).end("ok");
    });
  });
  await new Promise<void>((resolve) => slack.listen(0, "127.0.0.1", resolve));
  responseUrl = `http://127.0.0.1:${(slack.address() as AddressInfo).port}/commands/T0001/42/abc`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => slack.close(() => resolve()));
});

beforeEach(() => {
  vi.stubEnv("GANTRY_SLACK_SIGNING_SECRET_PARAMETER", SIGNING_SECRET_PARAMETER);
  vi.stubEnv("GANTRY_DEPLOY_STATE_MACHINE_ARN", STATE_MACHINE_ARN);
  vi.stubEnv("AWS_LAMBDA_FUNCTION_NAME", "Gantry-ChatFunction-1A2B3C");
  vi.stubEnv("POWERTOOLS_LOG_LEVEL", "SILENT");
  ssm.on(GetParameterCommand).resolves({ Parameter: { Name: SIGNING_SECRET_PARAMETER, Type: "SecureString", Value: SIGNING_SECRET } });
  lambda.on(InvokeCommand).resolves({ StatusCode: 202 });
  sfn
    .on(StartExecutionCommand)
    .callsFake((input: { name: string }) => ({ executionArn: `${STATE_MACHINE_ARN.replace(":stateMachine:", ":execution:")}:${input.name}` }));
  dynamo.on(QueryCommand).resolves({ Items: [] });
  provideRuntime(runtimeFromEnvironment(process.env, { config: chatConfig, now: () => NOW }));
  posted.length = 0;
});

afterEach(() => {
  vi.unstubAllEnvs();
  resetRuntime();
  for (const mock of [ssm, sfn, lambda, dynamo]) mock.reset();
});

/** A signed request from the allowed member in the allowed channel, answering to the local Slack. */
const command = (text: string, fields: Record<string, string> = {}) => {
  const body = slashBody(text, { response_url: responseUrl, ...fields });
  return request(body, signed(body));
};

/** The job the answer handed to the second invocation, as Lambda would deliver it. */
function deferredJob(): ChatJobEvent {
  const payload = lambda.commandCalls(InvokeCommand)[0]?.args[0].input.Payload;
  if (!payload) throw new Error("the handler invoked nothing");
  return JSON.parse(new TextDecoder().decode(payload as Uint8Array)) as ChatJobEvent;
}

describe("chat handler, a command it carries out", () => {
  it("answers a signed deploy at once, hands the job to itself asynchronously, and posts the started execution to response_url", async () => {
    const answer = await call(command("deploy hello prod 3f2c1ab9e0d4"));

    expect(answer).toEqual({ status: 200, body: { response_type: "ephemeral", text: "Working on it: deploying 3f2c1ab9e0d4 to hello/prod…" } });
    expect(sfn).not.toHaveReceivedCommand(StartExecutionCommand);
    expect(lambda).toHaveReceivedCommandWith(InvokeCommand, { FunctionName: "Gantry-ChatFunction-1A2B3C", InvocationType: "Event" });
    expect(ssm).toHaveReceivedCommandWith(GetParameterCommand, { Name: SIGNING_SECRET_PARAMETER, WithDecryption: true });

    await handler(deferredJob(), {} as Context);

    const name = `hello-prod-3f2c1ab9e0d4-${NOW.toString(36)}`;
    expect(sfn).toHaveReceivedCommandWith(StartExecutionCommand, { stateMachineArn: STATE_MACHINE_ARN, name });
    const input = JSON.parse(sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input.input ?? "{}") as Record<string, unknown>;
    expect(input).toMatchObject({
      app: "hello",
      env: "prod",
      release: { id: "3f2c1ab9e0d4" },
      group: { autoScalingGroupName: "hello-prod" },
      trigger: { source: "slack", actor: `steve (${MEMBER})`, receivedAt: NOW },
    });
    expect(posted).toEqual([
      {
        path: "/commands/T0001/42/abc",
        message: {
          response_type: "in_channel",
          text: `<@${MEMBER}> started a deploy of 3f2c1ab9e0d4 to hello/prod: \`${name}\`\n<https://eu-west-1.console.aws.amazon.com/states/home?region=eu-west-1#/v2/executions/details/arn:aws:states:eu-west-1:123456789012:execution:gantry-deploy:${name}|View the execution in the Step Functions console>`,
        },
      },
    ]);
  });

  it("posts the latest execution and its cause for status, read from the deploy machine", async () => {
    const arn = "arn:aws:states:eu-west-1:123456789012:execution:gantry-deploy:hello-prod-9e8d7c6-abc";
    sfn.on(ListExecutionsCommand).resolves({
      executions: [
        {
          name: "hello-prod-eu-1-x",
          executionArn: "arn:aws:states:eu-west-1:123456789012:execution:gantry-deploy:hello-prod-eu-1-x",
          stateMachineArn: STATE_MACHINE_ARN,
          status: "RUNNING",
          startDate: new Date(NOW),
        },
        { name: "hello-prod-9e8d7c6-abc", executionArn: arn, stateMachineArn: STATE_MACHINE_ARN, status: "FAILED", startDate: new Date(NOW - 60_000) },
      ],
    });
    sfn.on(DescribeExecutionCommand).resolves({
      name: "hello-prod-9e8d7c6-abc",
      executionArn: arn,
      stateMachineArn: STATE_MACHINE_ARN,
      status: "FAILED",
      startDate: new Date(NOW - 60_000),
      stopDate: new Date(NOW - 10_000),
      input: JSON.stringify({ release: { id: "9e8d7c6" }, trigger: { source: "github", actor: "octocat" } }),
      cause: "Deploy of 9e8d7c6 to hello/prod failed in batch 1 of 2 and was rolled back.",
    });

    expect((await call(command("status hello prod"))).body).toEqual({ response_type: "ephemeral", text: "Working on it: reading the status of hello/prod…" });
    await handler(deferredJob(), {} as Context);

    expect(sfn).toHaveReceivedCommandWith(DescribeExecutionCommand, { executionArn: arn });
    expect(posted[0]?.message.text).toBe(
      [
        "hello/prod has no deployed release on record.",
        "Latest execution `hello-prod-9e8d7c6-abc`: *FAILED* (release 9e8d7c6, github by octocat, started 2026-03-04T08:59:00.000Z, ended 2026-03-04T08:59:50.000Z)",
        "> Deploy of 9e8d7c6 to hello/prod failed in batch 1 of 2 and was rolled back.",
        `<https://eu-west-1.console.aws.amazon.com/states/home?region=eu-west-1#/v2/executions/details/${arn}|View the execution in the Step Functions console>`,
      ].join("\n"),
    );
  });

  it("posts why a rollback cannot start when the app/env has no deployed release, starting nothing", async () => {
    await call(command("rollback hello prod"));
    await handler(deferredJob(), {} as Context);

    expect(sfn).not.toHaveReceivedCommand(StartExecutionCommand);
    expect(posted[0]?.message).toEqual({
      response_type: "ephemeral",
      text: "Could not rollback hello/prod: hello/prod has no deployed release to roll back from; name one: /gantry rollback hello prod v1",
    });
  });

  it("posts Step Functions' refusal in words, and neither throws nor retries the job", async () => {
    sfn
      .on(StartExecutionCommand)
      .rejects(Object.assign(new Error("User is not authorized to perform states:StartExecution"), { name: "AccessDeniedException" }));
    await call(command("deploy hello prod 3f2c1ab9e0d4"));

    await expect(handler(deferredJob(), {} as Context)).resolves.toBeUndefined();
    expect(posted[0]?.message.text).toMatch(
      /^Could not deploy hello\/prod: Step Functions did not start hello-prod-3f2c1ab9e0d4-\S+ on arn:aws:states:.*AccessDeniedException/,
    );
  });

  it("does not throw when the response_url does not answer", async () => {
    await call(command("status hello prod", { response_url: "http://127.0.0.1:1/closed" }));

    await expect(handler(deferredJob(), {} as Context)).resolves.toBeUndefined();
  });
});

describe("chat handler, requests it refuses or only answers", () => {
  const ephemeral = (text: string | RegExp) => ({ response_type: "ephemeral", text: typeof text === "string" ? text : expect.stringMatching(text) });
  const cases: [string, () => ReturnType<typeof request>, number, Record<string, unknown>][] = [
    [
      "unsigned",
      () => request(slashBody("deploy hello prod 3f2c1ab9e0d4"), {}),
      401,
      { error: expect.stringMatching(/^X-Slack-Signature or X-Slack-Request-Timestamp is missing/) },
    ],
    [
      "a stale timestamp (6 minutes old)",
      () => {
        const body = slashBody("deploy hello prod 3f2c1ab9e0d4");
        return request(body, signed(body, { timestamp: Math.floor(NOW / 1000) - 360 }));
      },
      401,
      { error: expect.stringMatching(/^X-Slack-Request-Timestamp is more than 5 minutes from now/) },
    ],
    [
      "a timestamp 6 minutes ahead",
      () => {
        const body = slashBody("deploy hello prod 3f2c1ab9e0d4");
        return request(body, signed(body, { timestamp: Math.floor(NOW / 1000) + 360 }));
      },
      401,
      { error: expect.stringMatching(/^X-Slack-Request-Timestamp is more than 5 minutes from now/) },
    ],
    [
      "a signature under another secret",
      () => {
        const body = slashBody("deploy hello prod 3f2c1ab9e0d4");
        return request(body, signed(body, { secret: "not the signing secret" }));
      },
      401,
      { error: expect.stringMatching(/^X-Slack-Signature does not match the body/) },
    ],
    [
      "a body changed after signing",
      () => request(slashBody("deploy hello prod 9e8d7c6"), signed(slashBody("deploy hello prod 3f2c1ab9e0d4"))),
      401,
      { error: expect.stringMatching(/^X-Slack-Signature does not match the body/) },
    ],
    ["a GET", () => request("", signed(""), { method: "GET" }), 405, { error: "Slack posts slash commands; this request used GET." }],
    [
      "a JSON body",
      () => {
        const body = JSON.stringify({ command: "/gantry", text: "deploy hello prod 3f2c1ab9e0d4" });
        return request(body, signed(body), { contentType: "application/json" });
      },
      400,
      { error: "Slack sends slash commands as application/x-www-form-urlencoded; this request is application/json." },
    ],
    [
      "a form without user_id and response_url",
      () => {
        const body = "command=%2Fgantry&text=status+hello+prod&channel_id=C2147483705";
        return request(body, signed(body));
      },
      400,
      { error: "The form has no user_id, response_url: not a slash command as Slack sends it." },
    ],
    [
      "a response_url that is not http(s)",
      () => command("status hello prod", { response_url: "file:///etc/passwd" }),
      400,
      { error: 'response_url "file:///etc/passwd" is not an http(s) URL.' },
    ],
    [
      "an unknown member",
      () => command("deploy hello prod 3f2c1ab9e0d4", { user_id: "U0UNKNOWN1" }),
      200,
      ephemeral("<@U0UNKNOWN1> may not run gantry commands: add the member id U0UNKNOWN1 to chat.slack.users in gantry.config.ts."),
    ],
    [
      "an unknown channel",
      () => command("deploy hello prod 3f2c1ab9e0d4", { channel_id: "C0RANDOM01" }),
      200,
      ephemeral(
        "gantry commands are not allowed in this channel: add its id C0RANDOM01 to chat.slack.channels in gantry.config.ts, or run them in one listed there.",
      ),
    ],
    [
      "an unknown subcommand",
      () => command("frobnicate hello prod"),
      200,
      ephemeral(/^`frobnicate` is not a gantry command: use deploy, rollback, status, approve, abort\.\nUsage:/),
    ],
    ["no subcommand", () => command(""), 200, ephemeral(/^Usage: `\/gantry <command> <app> <env> …`\n• `\/gantry deploy <app> <env> <release>`/)],
    ["deploy without a release", () => command("deploy hello prod"), 200, ephemeral("deploy needs more: Usage: `/gantry deploy <app> <env> <release>`")],
    ["status without an env", () => command("status hello"), 200, ephemeral("status needs more: Usage: `/gantry status <app> <env>`")],
    ["too many arguments", () => command("status hello prod now"), 200, ephemeral("status takes no more than that: Usage: `/gantry status <app> <env>`")],
    [
      "an unknown app/env",
      () => command("deploy hello qa 3f2c1ab9e0d4"),
      200,
      ephemeral("No app/env `hello qa` in the configuration; configured: hello prod, hello prod-eu, hello staging."),
    ],
    [
      "a release id deploys cannot carry",
      () => command("deploy hello prod <b>bad/id</b>"),
      200,
      ephemeral(
        /^`&lt;b&gt;bad\/id&lt;\/b&gt;` is not a release gantry can deploy: .* is not a release id: a release id is the first 12 lowercase hex characters of the commit/,
      ),
    ],
    [
      "a short SHA, which a chat cannot resolve without git",
      () => command("deploy hello prod 3f2c1ab"),
      200,
      ephemeral(
        '`3f2c1ab` is not a release gantry can deploy: "3f2c1ab" is not a release id: a release id is the first 12 lowercase hex characters of the commit (git rev-parse --short=12 &lt;ref&gt;).',
      ),
    ],
    [
      "approve",
      () => command("approve hello prod"),
      200,
      ephemeral(
        "`approve` is not available in this version of gantry: Usage: `/gantry approve <app> <env>` will approve the deploy waiting for approval once it is.",
      ),
    ],
    [
      "abort",
      () => command("abort hello prod"),
      200,
      ephemeral(
        "`abort` is not available in this version of gantry: Usage: `/gantry abort <app> <env>` will stop the running deploy, rolling it back once it is.",
      ),
    ],
  ];

  it.each(cases)("answers %s with its status and message, and starts nothing", async (_case, event, status, body) => {
    const answer = await call(event());

    expect(answer).toEqual({ status, body });
    expect(lambda).not.toHaveReceivedCommand(InvokeCommand);
    expect(sfn).not.toHaveReceivedCommand(StartExecutionCommand);
  });

  it("reads no secret for an unsigned request", async () => {
    await call(request(slashBody("status hello prod"), {}));

    expect(ssm).not.toHaveReceivedCommand(GetParameterCommand);
  });

  it("refuses everyone, with 200 and the reason, when the configuration has no chat section", async () => {
    provideRuntime(runtimeFromEnvironment(process.env, { config: { ...chatConfig, chat: undefined }, now: () => NOW }));

    expect(await call(command("status hello prod"))).toEqual({
      status: 200,
      body: { response_type: "ephemeral", text: "gantry's configuration has no chat.slack section, so no one may run its commands yet." },
    });
  });

  it("answers 200 with the reason, not a 5xx, when SSM cannot give the signing secret", async () => {
    ssm.on(GetParameterCommand).rejects(new InternalServerError({ message: "An internal error occurred", $metadata: { httpStatusCode: 500 } }));

    const answer = await call(command("status hello prod"));

    expect(answer).toEqual({
      status: 200,
      body: {
        response_type: "ephemeral",
        text: "AWS is unavailable or throttling (AwsTransientError); nothing was started. Try the command again in a minute.",
      },
    });
    expect(lambda).not.toHaveReceivedCommand(InvokeCommand);
  });

  it("answers 200 with the reason, not a 5xx, when the function cannot invoke itself", async () => {
    lambda.on(InvokeCommand).rejects(Object.assign(new Error("not authorized to perform lambda:InvokeFunction"), { name: "AccessDeniedException" }));

    expect(await call(command("status hello prod"))).toEqual({
      status: 200,
      body: { response_type: "ephemeral", text: "gantry failed (AccessDeniedException); nothing was started and its log says why." },
    });
  });

  it("answers 200 naming the error when no signing secret parameter is configured", async () => {
    vi.stubEnv("GANTRY_SLACK_SIGNING_SECRET_PARAMETER", "");
    provideRuntime(runtimeFromEnvironment(process.env, { config: chatConfig, now: () => NOW }));

    expect(await call(command("status hello prod"))).toEqual({
      status: 200,
      body: { response_type: "ephemeral", text: "gantry failed (ChatNotConfiguredError); nothing was started and its log says why." },
    });
  });

  it("accepts a member's command in a listed channel: the allowed pair it is checked against", async () => {
    const answer = await call(command("status hello prod", { user_id: MEMBER, channel_id: CHANNEL }));

    expect(answer.status).toBe(200);
    expect(lambda).toHaveReceivedCommandTimes(InvokeCommand, 1);
  });
});
