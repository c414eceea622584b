import { AutoScalingClient } from "@aws-sdk/client-auto-scaling";
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { EC2Client } from "@aws-sdk/client-ec2";
import { ElasticLoadBalancingV2Client } from "@aws-sdk/client-elastic-load-balancing-v2";

/**
 * The only place gantry creates AWS clients. Module scope, so a warm Lambda reuses them and so
 * local mode and tests can plug into them. The SDK's standard retry mode backs off on
 * throttling; five attempts ride out a burst without hiding a real outage from Step Functions.
 */
const config = { maxAttempts: 5, region: process.env.AWS_REGION ?? "us-east-1" };

export const autoScaling = new AutoScalingClient(config);
export const ec2 = new EC2Client(config);
export const elb = new ElasticLoadBalancingV2Client(config);
export const cloudWatch = new CloudWatchClient(config);

export const allClients = [autoScaling, ec2, elb, cloudWatch] as const;
