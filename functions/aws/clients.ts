import { AutoScalingClient } from "@aws-sdk/client-auto-scaling";
import { CloudFormationClient } from "@aws-sdk/client-cloudformation";
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { DynamoDBClient, type DynamoDBClientConfig } from "@aws-sdk/client-dynamodb";
import { EC2Client } from "@aws-sdk/client-ec2";
import { ElasticLoadBalancingV2Client } from "@aws-sdk/client-elastic-load-balancing-v2";
import { Route53Client } from "@aws-sdk/client-route-53";
import { SFNClient } from "@aws-sdk/client-sfn";
import { SSMClient } from "@aws-sdk/client-ssm";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";

/** Where the clients talk to AWS. Anything left out falls back to the SDK's own chain. */
export interface AwsClientOptions {
  region?: string;
  /** A profile from the shared config files (the CLI's --profile). */
  profile?: string;
  /** Fixed credentials (local mode, whose stand-ins check none). */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** Where DynamoDB is, when not where the SDK would look (local mode's dynalite, found when it has started). */
  dynamoDbEndpoint?: DynamoDBClientConfig["endpoint"];
  /**
   * Step Functions and SSM give up early: the webhook must answer GitHub within 10 s, which
   * never retries, even on a cold start that reads the secret first (two calls, each at most
   * two 2 s attempts): a 503 that says "redeliver" beats a timeout.
   */
  answerFast?: boolean;
}

/** Every AWS client gantry uses, made once per runtime (functions/aws/runtime.ts). */
export interface AwsClients {
  autoScaling: AutoScalingClient;
  ec2: EC2Client;
  elb: ElasticLoadBalancingV2Client;
  cloudWatch: CloudWatchClient;
  route53: Route53Client;
  dynamoDb: DynamoDBClient;
  /** Items as plain objects over `dynamoDb`, sharing its configuration and middleware stack. */
  documents: DynamoDBDocumentClient;
  stepFunctions: SFNClient;
  ssm: SSMClient;
  cloudFormation: CloudFormationClient;
}

/**
 * The only place gantry creates AWS clients. The SDK's standard retry mode backs off on
 * throttling; five attempts ride out a burst without hiding a real outage from Step Functions.
 * `AWS_ENDPOINT_URL` (or `AWS_ENDPOINT_URL_<SERVICE>`) is the SDK's own, read on each client's
 * first request: that is how the functions and the CLI reach LocalStack or moto.
 */
export function createAwsClients(options: AwsClientOptions = {}): AwsClients {
  const settings = {
    maxAttempts: 5,
    ...(options.region ? { region: options.region } : {}),
    ...(options.profile ? { profile: options.profile } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
  };
  const fast = options.answerFast ? { maxAttempts: 2, requestHandler: { connectionTimeout: 1_000, requestTimeout: 2_000 } } : {};
  const dynamoDb = new DynamoDBClient({ ...settings, ...(options.dynamoDbEndpoint ? { endpoint: options.dynamoDbEndpoint } : {}) });
  return {
    autoScaling: new AutoScalingClient(settings),
    ec2: new EC2Client(settings),
    elb: new ElasticLoadBalancingV2Client(settings),
    cloudWatch: new CloudWatchClient(settings),
    // Route 53 is a global service whose API lives in us-east-1, whatever region the function runs in.
    route53: new Route53Client({ ...settings, region: "us-east-1" }),
    dynamoDb,
    // Optional fields left undefined are dropped rather than rejected.
    documents: DynamoDBDocumentClient.from(dynamoDb, { marshallOptions: { removeUndefinedValues: true } }),
    stepFunctions: new SFNClient({ ...settings, ...fast }),
    ssm: new SSMClient({ ...settings, ...fast }),
    cloudFormation: new CloudFormationClient(settings),
  };
}

/** The clients the local cloud answers (it does not answer DynamoDB, Step Functions, SSM or CloudFormation). */
export function cloudClients(clients: AwsClients) {
  return [clients.autoScaling, clients.ec2, clients.elb, clients.cloudWatch, clients.route53] as const;
}
