/**
 * The outputs of a fleet stack (infra/constructs/gantry-fleet.ts), by key: what gantry's
 * configuration needs for one app/env, and what `gantry init` reads to write that section.
 * List values (target groups, subnets) are comma-separated, as CloudFormation outputs are strings.
 */
export const FLEET_OUTPUTS = {
  /** The app and environment the fleet was built for: `gantry init` refuses a stack of another. */
  app: "GantryApp",
  env: "GantryEnv",
  region: "Region",
  autoScalingGroupName: "AutoScalingGroupName",
  targetGroupArns: "TargetGroupArns",
  /** The launch template the group launches from, at a pinned version (never $Latest or $Default). */
  launchTemplateId: "LaunchTemplateId",
  launchTemplateVersion: "LaunchTemplateVersion",
  /** The port the app listens on, which the load balancer and the HTTP gate call. */
  appPort: "AppPort",
  healthPath: "HealthPath",
  /** Where the gate functions run to reach the instances: `infrastructure.vpc` of the config. */
  vpcId: "VpcId",
  gateSubnetIds: "GateSubnetIds",
  gateSecurityGroupId: "GateSecurityGroupId",
  /** The load balancer's address: where a person sees the release that runs. */
  loadBalancerUrl: "LoadBalancerUrl",
} as const;

export type FleetOutputKey = keyof typeof FLEET_OUTPUTS;

/** The name `npm run synth` gives the example fleet stack of an app/env. */
export function fleetStackName(app: string, env: string): string {
  return `${app}-${env}-fleet`;
}
