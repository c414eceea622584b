import { AutoScalingClient } from "@aws-sdk/client-auto-scaling";
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { EC2Client } from "@aws-sdk/client-ec2";
import { ElasticLoadBalancingV2Client } from "@aws-sdk/client-elastic-load-balancing-v2";
import { VirtualClock } from "../../../local/clock.js";
import { attachLocalCloud, LocalCloud, type GroupOptions } from "../../../local/cloud/index.js";

export const GROUP = "hello-prod";
export const ZONES = ["eu-west-1a", "eu-west-1b", "eu-west-1c"];
export const AMI_V1 = "ami-0a1b2c3d4e5f60001";
export const AMI_V2 = "ami-0a1b2c3d4e5f60002";

/** Real SDK clients, as gantry's aws/ module builds them, answered by `cloud`. */
export function clientsFor(cloud: LocalCloud) {
  const config = { region: "eu-west-1", credentials: { accessKeyId: "x", secretAccessKey: "y" } };
  return {
    autoScaling: attachLocalCloud(new AutoScalingClient(config), cloud),
    ec2: attachLocalCloud(new EC2Client(config), cloud),
    elb: attachLocalCloud(new ElasticLoadBalancingV2Client(config), cloud),
    cloudWatch: attachLocalCloud(new CloudWatchClient(config), cloud),
  };
}

/**
 * A running fleet: 6 instances of release r1 over three zones behind one target group
 * (10 s checks, thresholds 2/2, 30 s deregistration delay), 60 s boot.
 */
export function helloFleet(overrides: Partial<GroupOptions> = {}) {
  const clock = new VirtualClock();
  const cloud = new LocalCloud({ clock });
  const launchTemplateId = cloud.createLaunchTemplate({ name: "hello", imageId: AMI_V1 });
  const targetGroupArn = cloud.createTargetGroup({ name: "hello-prod-web" });
  cloud.createGroup({
    name: GROUP,
    minSize: 2,
    maxSize: 12,
    desiredCapacity: 6,
    availabilityZones: ZONES,
    targetGroupArns: [targetGroupArn],
    launchTemplateId,
    tags: [
      { key: "gantry:release", value: "r1", propagateAtLaunch: true },
      { key: "team", value: "web", propagateAtLaunch: false },
    ],
    ...overrides,
  });
  return { clock, cloud, launchTemplateId, targetGroupArn, ...clientsFor(cloud) };
}

export const seconds = (n: number) => n * 1000;
