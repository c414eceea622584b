import { LaunchTemplateImageParameterError, LaunchTemplateNotPinnedError } from "../errors.js";
import type { ObservedGroup } from "../fleet.js";

/** The version aliases Auto Scaling resolves at each launch rather than once. */
const ALIASES = new Set(["$Latest", "$Default"]);

/** An AMI written as an SSM parameter reference, which EC2 resolves at launch. */
const PARAMETER_IMAGE = /^resolve:ssm:/;

/** True when the group names its launch template version by alias, not by number. */
export function isVersionAlias(version: string): boolean {
  return ALIASES.has(version);
}

/**
 * Refuses, before anything changes, a group whose launch template gantry cannot switch and
 * switch back within its roles. AWS checks the launch rights of whoever points a group at a
 * launch template version (UpdateAutoScalingGroup), but a group on `$Latest` or `$Default` picks up
 * a new latest or default version without that check (EC2 Auto Scaling User Guide, "Control
 * Amazon EC2 launch template usage in Auto Scaling groups"); and a rollback pointing it back at
 * `$Latest` would keep the new image, since gantry's own new version is the latest then. `currentImage` is the AMI of the group's version as written (read only for
 * an `imageId` deploy): one that is `resolve:ssm:…` needs ssm:GetParameters from whoever points
 * the group back at it, which gantry's roles are not given.
 */
export function checkLaunchTemplate(group: ObservedGroup, imageId: string | undefined, currentImage?: string): void {
  const template = group.launchTemplate;
  if (!template) return;
  const fix = (version: string) =>
    `aws autoscaling update-auto-scaling-group --auto-scaling-group-name ${group.name} --launch-template LaunchTemplateId=${template.id},Version=${version}`;
  if (isVersionAlias(template.version)) {
    throw new LaunchTemplateNotPinnedError(
      `Group "${group.name}" launches from launch template ${template.id} version ${template.version}, which Auto Scaling resolves at every launch: ` +
        `a new (or newly default) version changes what the group launches without AWS checking anyone's launch rights, and a rollback could not put back what it ran. ` +
        `Pin it to a version number first: ${fix("<number>")}`,
    );
  }
  if (imageId && currentImage && PARAMETER_IMAGE.test(currentImage)) {
    throw new LaunchTemplateImageParameterError(
      `release.imageId "${imageId}": group "${group.name}" runs launch template ${template.id} version ${template.version}, whose AMI is the SSM parameter "${currentImage}"; ` +
        `rolling back to it would need ssm:GetParameters, which gantry is not given. Create a version with the AMI id itself ` +
        `(aws ec2 create-launch-template-version --launch-template-id ${template.id} --source-version ${template.version} --launch-template-data '{"ImageId":"ami-…"}'), ` +
        `point the group at it (${fix("<new number>")}), or deploy without imageId.`,
    );
  }
}
