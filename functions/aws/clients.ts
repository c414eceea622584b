import { AutoScalingClient } from "@aws-sdk/client-auto-scaling";
import { CloudFormationClient } from "@aws-sdk/client-cloudformation";
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { EC2Client } from "@aws-sdk/client-ec2";
import { ElasticLoadBalancingV2Client } from "@aws-sdk/client-elastic-load-balancing-v2";
import { Route53Client } from "@aws-sdk/client-route-53";
import { SFNClient } from "@aws-sdk/client-sfn";
import { SSMClient } from "@aws-sdk/client-ssm";

/**
 * The only place gantry creates AWS clients. Module scope, so a warm Lambda reuses them and so
 * local mode and tests can plug into them. The SDK's standard retry mode backs off on
 * throttling; five attempts ride out a burst without hiding a real outage from Step Functions.
 */
const config = { maxAttempts: 5, region: process.env.AWS_REGION ?? "us-east-1" };

export const autoScaling = /* @__PURE__ */ new AutoScalingClient(config);
export const ec2 = /* @__PURE__ */ new EC2Client(config);
export const elb = /* @__PURE__ */ new ElasticLoadBalancingV2Client(config);
export const cloudWatch = /* @__PURE__ */ new CloudWatchClient(config);
/** Route 53 is a global service whose API lives in us-east-1, whatever region the function runs in. */
export const route53 = /* @__PURE__ */ new Route53Client({ ...config, region: "us-east-1" });
/**
 * Not in `allClients`: the local cloud does not answer DynamoDB. Local mode runs dynalite, a
 * real DynamoDB implementation, and reaches it the way LocalStack users do, through the SDK's
 * own `AWS_ENDPOINT_URL_DYNAMODB` (see local/dynamo).
 */
export const dynamoDb = /* @__PURE__ */ new DynamoDBClient(config);

export const allClients = [autoScaling, ec2, elb, cloudWatch, route53] as const;

/**
 * The webhook's clients, also outside `allClients` (local mode starts deploys through its own
 * starter and reads the secret from the environment). GitHub waits 10 s and never retries, so
 * these give up early enough to answer in time even on a cold start that reads the secret
 * first (two calls, each at most two 2 s attempts): a 503 that says "redeliver" beats a timeout.
 */
const webhookPath = { ...config, maxAttempts: 2, requestHandler: { connectionTimeout: 1_000, requestTimeout: 2_000 } };

// Marked pure so the step Lambdas, which never use them, do not bundle them.
export const stepFunctions = /* @__PURE__ */ new SFNClient(webhookPath);
export const ssm = /* @__PURE__ */ new SSMClient(webhookPath);

/** Where the CLI talks to AWS: `--region` and `--profile`, each falling back to the SDK's own chain. */
export interface CliAwsOptions {
  region?: string;
  profile?: string;
}

/**
 * The CLI's clients, made per command because the region and profile come from its flags. The
 * standard credential chain applies (environment, SSO, the shared files, instance roles), and
 * so does `AWS_ENDPOINT_URL` (or `AWS_ENDPOINT_URL_<SERVICE>`), read on each client's first
 * request: that is how the CLI reaches LocalStack.
 */
export function cliClients(options: CliAwsOptions = {}) {
  const settings = {
    maxAttempts: 5,
    ...(options.region ? { region: options.region } : {}),
    ...(options.profile ? { profile: options.profile } : {}),
  };
  return {
    cloudFormation: new CloudFormationClient(settings),
    stepFunctions: new SFNClient(settings),
    dynamoDb: new DynamoDBClient(settings),
  };
}

export type CliClients = ReturnType<typeof cliClients>;
