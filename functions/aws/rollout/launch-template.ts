import { CreateLaunchTemplateVersionCommand, DescribeLaunchTemplateVersionsCommand, EC2Client } from "@aws-sdk/client-ec2";
import { runtime } from "../runtime.js";

/**
 * Makes sure a launch template version with `imageId` exists, based on `sourceVersion`, and
 * returns its number. A retry finds the version an earlier attempt created (the latest version
 * already has the image and our description) instead of creating another.
 */
export async function ensureImageVersion(templateId: string, sourceVersion: string, imageId: string, release: string): Promise<string> {
  const description = `gantry ${release}`;
  const latest = await runtime()
    .client(EC2Client)
    .send(new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: templateId, Versions: ["$Latest", sourceVersion] }));
  const versions = latest.LaunchTemplateVersions ?? [];
  const source = versions.find((version) => String(version.VersionNumber) === sourceVersion || isAlias(sourceVersion, version));
  if (source?.LaunchTemplateData?.ImageId === imageId && source.VersionNumber !== undefined) return String(source.VersionNumber);
  const reusable = versions.find((version) => version.LaunchTemplateData?.ImageId === imageId && version.VersionDescription === description);
  if (reusable?.VersionNumber !== undefined) return String(reusable.VersionNumber);
  const created = await runtime()
    .client(EC2Client)
    .send(
      new CreateLaunchTemplateVersionCommand({
        LaunchTemplateId: templateId,
        SourceVersion: sourceVersion,
        VersionDescription: description,
        LaunchTemplateData: { ImageId: imageId },
      }),
    );
  return String(created.LaunchTemplateVersion?.VersionNumber);
}

function isAlias(alias: string, version: { DefaultVersion?: boolean }): boolean {
  return alias === "$Default" && version.DefaultVersion === true;
}

/**
 * The AMI of one launch template version as written: an AMI id, or `resolve:ssm:<parameter>`
 * for a version that takes it from Parameter Store (DescribeLaunchTemplateVersions shows the
 * parameter unless asked to resolve it).
 */
export async function readVersionImage(templateId: string, version: string): Promise<string | undefined> {
  const answer = await runtime()
    .client(EC2Client)
    .send(new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: templateId, Versions: [version] }));
  return answer.LaunchTemplateVersions?.[0]?.LaunchTemplateData?.ImageId;
}
