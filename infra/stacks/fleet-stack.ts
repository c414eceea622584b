import { CfnOutput, CfnParameter, Fn, Stack, type StackProps } from "aws-cdk-lib";
import type { Construct } from "constructs";
import { FLEET_OUTPUTS, type FleetOutputKey } from "../../functions/core/config/fleet-outputs.js";
import { GantryFleet, type GantryFleetProps } from "../constructs/gantry-fleet.js";

export interface FleetStackProps extends StackProps {
  /** The fleet's settings; `releaseBucket` and `initialRelease` default to the stack's parameters of those names. */
  fleet: Omit<GantryFleetProps, "releaseBucket" | "initialRelease"> & Partial<Pick<GantryFleetProps, "releaseBucket" | "initialRelease">>;
}

/**
 * One app/env's fleet and the outputs `gantry init` turns into its section of gantry.config.ts.
 * Without a bucket given, the release bucket's name is the ReleaseBucketName parameter (the gantry
 * stack's output of that name), and the release the group starts on is InitialRelease, so the
 * template synthesizes with no AWS account and deploys with `--parameters`.
 */
export class FleetStack extends Stack {
  readonly fleet: GantryFleet;

  constructor(scope: Construct, id: string, props: FleetStackProps) {
    super(scope, id, props);
    const releaseBucket =
      props.fleet.releaseBucket ??
      new CfnParameter(this, "ReleaseBucketName", {
        description: "The release store: the ReleaseBucketName output of the gantry stack",
        allowedPattern: "^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$",
      }).valueAsString;
    const initialRelease =
      props.fleet.initialRelease ??
      new CfnParameter(this, "InitialRelease", {
        description: "The release the instances boot before gantry's first deploy (its gantry:release tag); later deploys change the tag",
        allowedPattern: "^[A-Za-z0-9._:-]{1,128}$",
        default: "none",
      }).valueAsString;
    this.fleet = new GantryFleet(this, "Fleet", { ...props.fleet, releaseBucket, initialRelease });

    const fleet = this.fleet;
    const outputs: Record<FleetOutputKey, { value: string; description: string }> = {
      app: { value: props.fleet.app, description: "The app this fleet runs" },
      env: { value: props.fleet.env, description: "The environment this fleet runs" },
      region: { value: this.region, description: "environments.<env>.region" },
      autoScalingGroupName: { value: fleet.group.autoScalingGroupName, description: "environments.<env>.group.autoScalingGroupName" },
      targetGroupArns: { value: fleet.targetGroup.targetGroupArn, description: "environments.<env>.group.targetGroupArns (comma-separated)" },
      launchTemplateId: { value: fleet.launchTemplate.launchTemplateId ?? "", description: "The group's launch template (tagged gantry:managed=true)" },
      launchTemplateVersion: { value: fleet.launchTemplate.latestVersionNumber, description: "The launch template version the group is pinned to" },
      appPort: { value: String(fleet.settings.port), description: "environments.<env>.gates.http.port" },
      healthPath: { value: fleet.settings.healthCheckPath, description: "environments.<env>.gates.http.healthPath" },
      vpcId: { value: fleet.vpc.vpcId, description: "The VPC of the instances and of gantry's gate functions" },
      gateSubnetIds: {
        value: Fn.join(
          ",",
          fleet.gateSubnets.map((subnet) => subnet.subnetId),
        ),
        description: "infrastructure.vpc.subnetIds (comma-separated)",
      },
      gateSecurityGroupId: { value: fleet.gateSecurityGroup.securityGroupId, description: "infrastructure.vpc.securityGroupIds" },
      loadBalancerUrl: { value: `http://${fleet.loadBalancer.loadBalancerDnsName}`, description: "The app, behind the load balancer" },
    };
    for (const [key, output] of Object.entries(outputs)) new CfnOutput(this, FLEET_OUTPUTS[key as FleetOutputKey], output);
  }
}
