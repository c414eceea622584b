import { CreateLaunchTemplateVersionCommand, DescribeLaunchTemplateVersionsCommand, EC2Client, type LaunchTemplateVersion } from "@aws-sdk/client-ec2";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import { ensureImageVersion, readVersionImage } from "../../../../functions/aws/rollout/launch-template.js";

const ec2 = mockClient(EC2Client);
const TEMPLATE = "lt-0123456789abcdef0";
const OLD_IMAGE = "ami-0aaaaaaaaaaaaaaaa";
const NEW_IMAGE = "ami-0bbbbbbbbbbbbbbbb";

afterEach(() => {
  ec2.reset();
});

function version(number: number, imageId: string, overrides: Partial<LaunchTemplateVersion> = {}): LaunchTemplateVersion {
  return {
    LaunchTemplateId: TEMPLATE,
    LaunchTemplateName: "hello-prod",
    VersionNumber: number,
    CreateTime: new Date("2025-03-01T10:00:00Z"),
    CreatedBy: "arn:aws:iam::123456789012:role/gantry",
    DefaultVersion: false,
    LaunchTemplateData: { ImageId: imageId, InstanceType: "t3.small" },
    ...overrides,
  };
}

describe("ensureImageVersion", () => {
  it("creates a version with the image from the group's version", async () => {
    ec2.on(DescribeLaunchTemplateVersionsCommand).resolves({ LaunchTemplateVersions: [version(3, OLD_IMAGE)] });
    ec2.on(CreateLaunchTemplateVersionCommand).resolves({ LaunchTemplateVersion: version(4, NEW_IMAGE, { VersionDescription: "gantry v2" }) });

    const created = await ensureImageVersion(TEMPLATE, "3", NEW_IMAGE, "v2");

    expect(created).toBe("4");
    expect(ec2).toHaveReceivedCommandWith(DescribeLaunchTemplateVersionsCommand, { LaunchTemplateId: TEMPLATE, Versions: ["$Latest", "3"] });
    expect(ec2).toHaveReceivedCommandWith(CreateLaunchTemplateVersionCommand, {
      LaunchTemplateId: TEMPLATE,
      SourceVersion: "3",
      VersionDescription: "gantry v2",
      LaunchTemplateData: { ImageId: NEW_IMAGE },
    });
  });

  it("reuses the version an earlier attempt created instead of creating another", async () => {
    ec2.on(DescribeLaunchTemplateVersionsCommand).resolves({
      LaunchTemplateVersions: [version(4, NEW_IMAGE, { VersionDescription: "gantry v2" }), version(3, OLD_IMAGE)],
    });

    const reused = await ensureImageVersion(TEMPLATE, "3", NEW_IMAGE, "v2");

    expect(reused).toBe("4");
    expect(ec2).not.toHaveReceivedCommand(CreateLaunchTemplateVersionCommand);
  });

  it("uses the group's version as it is when it already has the image", async () => {
    ec2.on(DescribeLaunchTemplateVersionsCommand).resolves({ LaunchTemplateVersions: [version(5, OLD_IMAGE), version(3, NEW_IMAGE)] });

    const kept = await ensureImageVersion(TEMPLATE, "3", NEW_IMAGE, "v2");

    expect(kept).toBe("3");
    expect(ec2).not.toHaveReceivedCommand(CreateLaunchTemplateVersionCommand);
  });

  it("resolves $Default to the default version", async () => {
    ec2
      .on(DescribeLaunchTemplateVersionsCommand)
      .resolves({ LaunchTemplateVersions: [version(6, OLD_IMAGE), version(2, NEW_IMAGE, { DefaultVersion: true })] });

    const kept = await ensureImageVersion(TEMPLATE, "$Default", NEW_IMAGE, "v2");

    expect(kept).toBe("2");
    expect(ec2).not.toHaveReceivedCommand(CreateLaunchTemplateVersionCommand);
  });

  it("creates a new version when the latest has the image but was made for another release", async () => {
    ec2.on(DescribeLaunchTemplateVersionsCommand).resolves({
      LaunchTemplateVersions: [version(4, NEW_IMAGE, { VersionDescription: "made by hand" }), version(3, OLD_IMAGE)],
    });
    ec2.on(CreateLaunchTemplateVersionCommand).resolves({ LaunchTemplateVersion: version(5, NEW_IMAGE, { VersionDescription: "gantry v2" }) });

    const created = await ensureImageVersion(TEMPLATE, "3", NEW_IMAGE, "v2");

    expect(created).toBe("5");
    expect(ec2).toHaveReceivedCommandTimes(CreateLaunchTemplateVersionCommand, 1);
  });
});

describe("readVersionImage", () => {
  it("reads the AMI of the group's version as written, an SSM parameter reference included", async () => {
    ec2.on(DescribeLaunchTemplateVersionsCommand).resolves({ LaunchTemplateVersions: [version(3, "resolve:ssm:/hello/prod/ami")] });

    const image = await readVersionImage(TEMPLATE, "3");

    expect(image).toBe("resolve:ssm:/hello/prod/ami");
    expect(ec2).toHaveReceivedCommandWith(DescribeLaunchTemplateVersionsCommand, { LaunchTemplateId: TEMPLATE, Versions: ["3"] });
    expect(ec2.commandCalls(DescribeLaunchTemplateVersionsCommand)[0]?.args[0].input.ResolveAlias).toBeUndefined();
  });
});
