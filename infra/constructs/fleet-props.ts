/**
 * The settings of a gantry fleet and their limits, checked when the construct is built (at synth),
 * each error naming the prop, the value and the range, so a wrong value never reaches
 * CloudFormation (which would say only that the target group or the group failed to create).
 */

/** The load balancer's and the group's settings, all overridable; the defaults suit fast deploys. */
export interface FleetSettings {
  /** The port the app listens on (the load balancer's and the HTTP gate's target). Default 8080. */
  port: number;
  /** The path the load balancer and the gate call. Default `/health`. */
  healthCheckPath: string;
  /** Seconds between health checks: 5–300 (ALB). Default 5: a new instance is healthy ~10 s after it answers. */
  healthCheckIntervalSeconds: number;
  /** Seconds a health check may take: 2–120 and below the interval. Default 4. */
  healthCheckTimeoutSeconds: number;
  /** Consecutive passing checks to become healthy: 2–10. Default 2. */
  healthyThresholdCount: number;
  /** Consecutive failing checks to become unhealthy: 2–10. Default 2. */
  unhealthyThresholdCount: number;
  /** Seconds the load balancer drains a deregistered instance: 0–3600. Default 30 (ALB's own is 300). */
  deregistrationDelaySeconds: number;
  /** Availability zones of a new VPC, and the least an existing one's private subnets must span: 2–6. Default 2. */
  zones: number;
  /** NAT gateways of a new VPC: 0 (then `interfaceEndpoints` is required) up to `zones`. Default 1. */
  natGateways: number;
  /** Instances the group keeps: at least 1, at most `maxCapacity`. Default 2. */
  minCapacity: number;
  /** Instances the group may grow to; a deploy surges above the desired capacity by one batch. Default 4. */
  maxCapacity: number;
  /** Seconds after launch before the group acts on a failed load balancer health check: 0–7200. Default 300. */
  healthCheckGraceSeconds: number;
}

export const FLEET_DEFAULTS: FleetSettings = {
  port: 8080,
  healthCheckPath: "/health",
  healthCheckIntervalSeconds: 5,
  healthCheckTimeoutSeconds: 4,
  healthyThresholdCount: 2,
  unhealthyThresholdCount: 2,
  deregistrationDelaySeconds: 30,
  zones: 2,
  natGateways: 1,
  minCapacity: 2,
  maxCapacity: 4,
  healthCheckGraceSeconds: 300,
};

const RANGES: Record<keyof Omit<FleetSettings, "healthCheckPath">, [number, number, string]> = {
  port: [1, 65535, "a TCP port"],
  healthCheckIntervalSeconds: [5, 300, "the ALB health check interval range"],
  healthCheckTimeoutSeconds: [2, 120, "the ALB health check timeout range"],
  healthyThresholdCount: [2, 10, "the ALB healthy threshold range"],
  unhealthyThresholdCount: [2, 10, "the ALB unhealthy threshold range"],
  deregistrationDelaySeconds: [0, 3600, "the ALB deregistration delay range"],
  zones: [2, 6, "at least two zones, so one zone's outage leaves instances serving"],
  natGateways: [0, 6, "NAT gateways, at most one per zone"],
  minCapacity: [1, 1000, "instances"],
  maxCapacity: [1, 1000, "instances"],
  healthCheckGraceSeconds: [0, 7200, "the Auto Scaling grace period range"],
};

const SLUG = /^[a-z0-9][a-z0-9-]{0,39}$/;

/** A prop that is out of its range: the message names the construct, the prop, the value and the fix. */
export class FleetPropsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "FleetPropsError";
  }
}

/**
 * The settings with defaults filled in, or a FleetPropsError naming every wrong prop:
 * `GantryFleet hello/prod: deregistrationDelaySeconds 4000 is above 3600 (the ALB deregistration delay range): give 0–3600`.
 */
export function resolveFleetSettings(
  app: string,
  env: string,
  given: Partial<FleetSettings>,
  extra: { interfaceEndpoints: boolean; existingVpc: boolean },
): FleetSettings {
  const settings: FleetSettings = { ...FLEET_DEFAULTS, ...given };
  const problems: string[] = [];
  if (!SLUG.test(app)) problems.push(`app ${JSON.stringify(app)} is not lowercase letters, digits and dashes (at most 40)`);
  if (!SLUG.test(env)) problems.push(`env ${JSON.stringify(env)} is not lowercase letters, digits and dashes (at most 40)`);
  for (const [name, [min, max, what]] of Object.entries(RANGES)) {
    const value = settings[name as keyof typeof RANGES];
    if (!Number.isInteger(value)) problems.push(`${name} ${String(value)} is not a whole number: give ${min}–${max}`);
    else if (value < min) problems.push(`${name} ${value} is below ${min} (${what}): give ${min}–${max}`);
    else if (value > max) problems.push(`${name} ${value} is above ${max} (${what}): give ${min}–${max}`);
  }
  if (!settings.healthCheckPath.startsWith("/")) problems.push(`healthCheckPath ${JSON.stringify(settings.healthCheckPath)} does not start with "/"`);
  if (settings.healthCheckTimeoutSeconds >= settings.healthCheckIntervalSeconds) {
    problems.push(
      `healthCheckTimeoutSeconds ${settings.healthCheckTimeoutSeconds} is not below healthCheckIntervalSeconds ${settings.healthCheckIntervalSeconds}: ALB needs the timeout shorter than the interval`,
    );
  }
  if (settings.maxCapacity < settings.minCapacity) problems.push(`maxCapacity ${settings.maxCapacity} is below minCapacity ${settings.minCapacity}`);
  if (!extra.existingVpc && settings.natGateways > settings.zones)
    problems.push(`natGateways ${settings.natGateways} is above zones ${settings.zones}: one per zone at most`);
  if (!extra.existingVpc && settings.natGateways === 0 && !extra.interfaceEndpoints) {
    problems.push(
      "natGateways 0 without interfaceEndpoints leaves the instances and the gate functions no way to AWS's APIs: set natGateways to 1 or more, or interfaceEndpoints to true",
    );
  }
  if (problems.length > 0) throw new FleetPropsError(`GantryFleet ${app}/${env}: ${problems.join("; ")}`);
  return settings;
}
