import {
  DescribeTargetGroupAttributesCommand,
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
  TargetGroupNotFoundException,
  type TargetGroup,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import { readTargetGroupTimings, readTargetHealth } from "../../../../functions/aws/rollout/targets.js";
import { TargetGroupNotFoundError } from "../../../../functions/core/errors.js";
import { TG_API, TG_WEB } from "../../fixtures.js";

const elb = mockClient(ElasticLoadBalancingV2Client);

afterEach(() => {
  elb.reset();
});

function notFound(): TargetGroupNotFoundException {
  return new TargetGroupNotFoundException({ message: "One or more target groups not found", $metadata: { httpStatusCode: 400 } });
}

function targetGroupArn(index: number): string {
  return `arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/tg-${index}/${String(index).padStart(16, "0")}`;
}

function describedGroup(arn: string, overrides: Partial<TargetGroup> = {}): TargetGroup {
  return {
    TargetGroupArn: arn,
    TargetGroupName: arn.split("/")[1],
    Protocol: "HTTP",
    Port: 8080,
    VpcId: "vpc-0123456789abcdef0",
    HealthCheckProtocol: "HTTP",
    HealthCheckPath: "/health",
    HealthCheckIntervalSeconds: 10,
    HealthCheckTimeoutSeconds: 5,
    HealthyThresholdCount: 3,
    UnhealthyThresholdCount: 2,
    TargetType: "instance",
    ...overrides,
  };
}

describe("readTargetHealth", () => {
  it("reads every target of every target group, with the reason when there is one", async () => {
    elb.on(DescribeTargetHealthCommand, { TargetGroupArn: TG_WEB }).resolves({
      TargetHealthDescriptions: [
        { Target: { Id: "i-0aaa000000000001", Port: 8080 }, HealthCheckPort: "8080", TargetHealth: { State: "healthy" } },
        {
          Target: { Id: "i-0aaa000000000002", Port: 8080 },
          HealthCheckPort: "8080",
          TargetHealth: { State: "unhealthy", Reason: "Target.ResponseCodeMismatch", Description: "Health checks failed with these codes: [503]" },
        },
      ],
    });
    elb.on(DescribeTargetHealthCommand, { TargetGroupArn: TG_API }).resolves({
      TargetHealthDescriptions: [
        { Target: { Id: "i-0aaa000000000001", Port: 9090 }, TargetHealth: { State: "initial", Reason: "Elb.RegistrationInProgress" } },
      ],
    });

    const rows = await readTargetHealth([TG_WEB, TG_API]);

    expect(rows).toEqual([
      { targetGroupArn: TG_WEB, instanceId: "i-0aaa000000000001", state: "healthy" },
      { targetGroupArn: TG_WEB, instanceId: "i-0aaa000000000002", state: "unhealthy", reason: "Target.ResponseCodeMismatch" },
      { targetGroupArn: TG_API, instanceId: "i-0aaa000000000001", state: "initial", reason: "Elb.RegistrationInProgress" },
    ]);
    expect(elb).toHaveReceivedCommandTimes(DescribeTargetHealthCommand, 2);
  });

  it("skips rows without a target id", async () => {
    elb
      .on(DescribeTargetHealthCommand)
      .resolves({ TargetHealthDescriptions: [{ TargetHealth: { State: "healthy" } }, { Target: { Id: "i-0aaa000000000001" } }] });

    const rows = await readTargetHealth([TG_WEB]);

    expect(rows).toEqual([{ targetGroupArn: TG_WEB, instanceId: "i-0aaa000000000001", state: "unknown" }]);
  });

  it("fails with TargetGroupNotFoundError naming the target group that does not exist", async () => {
    elb.on(DescribeTargetHealthCommand, { TargetGroupArn: TG_WEB }).resolves({ TargetHealthDescriptions: [] });
    elb.on(DescribeTargetHealthCommand, { TargetGroupArn: TG_API }).rejects(notFound());

    const reading = readTargetHealth([TG_WEB, TG_API]);

    await expect(reading).rejects.toThrow(TargetGroupNotFoundError);
    await expect(reading).rejects.toThrow(`Target group ${TG_API} was not found; check group.targetGroupArns.`);
  });

  it("lets other errors through unchanged", async () => {
    const throttled = Object.assign(new Error("Rate exceeded"), { name: "Throttling" });
    elb.on(DescribeTargetHealthCommand).rejects(throttled);

    await expect(readTargetHealth([TG_WEB])).rejects.toBe(throttled);
  });
});

describe("readTargetGroupTimings", () => {
  it("reads health check settings and the deregistration delay of each target group", async () => {
    elb.on(DescribeTargetGroupsCommand).resolves({
      TargetGroups: [describedGroup(TG_WEB, { HealthCheckIntervalSeconds: 15, HealthyThresholdCount: 4 }), describedGroup(TG_API)],
    });
    elb.on(DescribeTargetGroupAttributesCommand, { TargetGroupArn: TG_WEB }).resolves({
      Attributes: [
        { Key: "stickiness.enabled", Value: "false" },
        { Key: "deregistration_delay.timeout_seconds", Value: "30" },
      ],
    });
    elb
      .on(DescribeTargetGroupAttributesCommand, { TargetGroupArn: TG_API })
      .resolves({ Attributes: [{ Key: "deregistration_delay.timeout_seconds", Value: "120" }] });

    const timings = await readTargetGroupTimings([TG_WEB, TG_API]);

    expect(timings).toEqual([
      { arn: TG_WEB, healthCheckIntervalSeconds: 15, healthyThresholdCount: 4, deregistrationDelaySeconds: 30 },
      { arn: TG_API, healthCheckIntervalSeconds: 10, healthyThresholdCount: 3, deregistrationDelaySeconds: 120 },
    ]);
  });

  it("takes AWS's defaults for settings the answer leaves out", async () => {
    elb.on(DescribeTargetGroupsCommand).resolves({ TargetGroups: [{ TargetGroupArn: TG_WEB }] });
    elb.on(DescribeTargetGroupAttributesCommand).resolves({ Attributes: [] });

    const timings = await readTargetGroupTimings([TG_WEB]);

    expect(timings).toEqual([{ arn: TG_WEB, healthCheckIntervalSeconds: 30, healthyThresholdCount: 5, deregistrationDelaySeconds: 300 }]);
  });

  it("asks about at most 20 target groups per call", async () => {
    const arns = Array.from({ length: 45 }, (_, index) => targetGroupArn(index + 1));
    elb.on(DescribeTargetGroupsCommand).callsFake((input: { TargetGroupArns?: string[] }) => ({
      TargetGroups: (input.TargetGroupArns ?? []).map((arn) => describedGroup(arn)),
    }));
    elb.on(DescribeTargetGroupAttributesCommand).resolves({ Attributes: [{ Key: "deregistration_delay.timeout_seconds", Value: "60" }] });

    const timings = await readTargetGroupTimings(arns);

    expect(timings.map((timing) => timing.arn)).toEqual(arns);
    const chunks = elb.commandCalls(DescribeTargetGroupsCommand).map((call) => call.args[0].input.TargetGroupArns ?? []);
    expect(chunks.map((chunk) => chunk.length)).toEqual([20, 20, 5]);
    expect(chunks.flat()).toEqual(arns);
    expect(elb).toHaveReceivedCommandTimes(DescribeTargetGroupAttributesCommand, 45);
  });

  it("fails with TargetGroupNotFoundError when a target group does not exist", async () => {
    elb.on(DescribeTargetGroupsCommand).rejects(notFound());

    const reading = readTargetGroupTimings([TG_WEB]);

    await expect(reading).rejects.toThrow(TargetGroupNotFoundError);
    await expect(reading).rejects.toThrow(TG_WEB);
  });
});
