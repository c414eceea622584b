import { describe, expect, it } from "vitest";
import { LaunchTemplateImageParameterError, LaunchTemplateNotPinnedError } from "../../../../functions/core/errors.js";
import type { ObservedGroup } from "../../../../functions/core/fleet.js";
import { checkLaunchTemplate } from "../../../../functions/core/rollout/launch-template.js";

const TEMPLATE = "lt-0123456789abcdef0";

function group(version: string | undefined): ObservedGroup {
  return {
    name: "hello-prod",
    minSize: 2,
    maxSize: 8,
    desiredCapacity: 4,
    availabilityZones: ["eu-west-1a", "eu-west-1b"],
    targetGroupArns: [],
    suspendedProcesses: [],
    tags: { "gantry:release": "v1" },
    ...(version === undefined ? {} : { launchTemplate: { id: TEMPLATE, version } }),
    instances: [],
  };
}

describe("checkLaunchTemplate", () => {
  it.each(["$Latest", "$Default"])("rejects a group on %s, naming the group, the version and the command that pins it", (alias) => {
    const check = () => checkLaunchTemplate(group(alias), undefined);

    expect(check).toThrow(LaunchTemplateNotPinnedError);
    expect(check).toThrow(`Group "hello-prod" launches from launch template ${TEMPLATE} version ${alias}`);
    expect(check).toThrow(
      `aws autoscaling update-auto-scaling-group --auto-scaling-group-name hello-prod --launch-template LaunchTemplateId=${TEMPLATE},Version=<number>`,
    );
  });

  it("rejects an imageId deploy whose rollback would point the group back at an SSM-parameter AMI", () => {
    const check = () => checkLaunchTemplate(group("3"), "ami-0bbbbbbbbbbbbbbbb", "resolve:ssm:/hello/prod/ami");

    expect(check).toThrow(LaunchTemplateImageParameterError);
    expect(check).toThrow('version 3, whose AMI is the SSM parameter "resolve:ssm:/hello/prod/ami"');
    expect(check).toThrow(`--launch-template-id ${TEMPLATE} --source-version 3`);
  });

  it("accepts a numbered version, an AMI id, a deploy without imageId, and a group without a launch template", () => {
    expect(() => checkLaunchTemplate(group("3"), "ami-0bbbbbbbbbbbbbbbb", "ami-0aaaaaaaaaaaaaaaa")).not.toThrow();
    expect(() => checkLaunchTemplate(group("3"), undefined, "resolve:ssm:/hello/prod/ami")).not.toThrow();
    expect(() => checkLaunchTemplate(group(undefined), "ami-0bbbbbbbbbbbbbbbb")).not.toThrow();
  });
});
