import { AutoScalingClient } from "@aws-sdk/client-auto-scaling";
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { EC2Client } from "@aws-sdk/client-ec2";
import { S3Client } from "@aws-sdk/client-s3";
import { ElasticLoadBalancingV2Client } from "@aws-sdk/client-elastic-load-balancing-v2";
import { Route53Client } from "@aws-sdk/client-route-53";
import { ServiceQuotasClient } from "@aws-sdk/client-service-quotas";
import { SSMClient } from "@aws-sdk/client-ssm";
import type { OperatorRequestStore } from "../functions/core/operator/requests.js";
import type { ClientClass } from "../functions/aws/clients.js";
import type { LogLevel } from "../functions/aws/environment.js";
import type { DeployStarter } from "../functions/aws/executions/executions.js";
import type { LatestExecutionReader } from "../functions/aws/executions/latest-execution.js";
import type { ChatJob } from "../functions/core/chat/chat.js";
import type { HttpTransport } from "../functions/aws/rollout/http-probe.js";
import { createRuntime, type Runtime } from "../functions/aws/runtime.js";
import type { GantryConfig } from "../functions/core/config/config.js";
import { SystemClock, type Clock } from "./clock.js";
import { activeCloud, attachLocalCloud, type LocalCloud, type LocalCloudClient } from "./cloud/index.js";
import { localDynamoEndpoint } from "./dynamo/index.js";
import { localS3Endpoint } from "./s3/index.js";

/** Dynalite and the local cloud check no credentials; fixed ones keep the SDK from looking for real ones. */
const LOCAL_CREDENTIALS = { accessKeyId: "local", secretAccessKey: "local" };

const LOCAL_S3_CREDENTIALS = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" };

/** The services the local cloud answers; DynamoDB goes to dynalite, anything else fails for want of credentials to AWS. */
const CLOUD_SERVICES: ReadonlySet<ClientClass<object>> = new Set<ClientClass<object>>([
  AutoScalingClient,
  EC2Client,
  ElasticLoadBalancingV2Client,
  CloudWatchClient,
  Route53Client,
  ServiceQuotasClient,
  SSMClient,
]);

import { localApprovals } from "./approvals.js";

export interface LocalRuntimeOptions {
  /** The cloud that answers EC2, Auto Scaling, ELB, CloudWatch and Route 53 (default: the active one, see setActiveCloud). */
  cloud?: LocalCloud;
  /** Default: the cloud's clock when a cloud is given, else the real time. */
  clock?: Clock;
  config?: GantryConfig;
  /** Default SILENT: local mode prints its own progress, not the steps' log lines. */
  logLevel?: LogLevel;
  tableName?: string;
  /** The local release store's bucket (local/s3): set, plan rollout checks releases are built and finish-deploy points `current`. */
  releaseBucket?: string;
  webhookSecret?: string;
  /** The token deploys report to GitHub with, when the configuration asks for reports (on AWS it is read from SSM). */
  githubToken?: string;
  deployStateMachineArn?: string;
  startDeploy?: DeployStarter;
  slackSigningSecret?: string;
  latestExecution?: LatestExecutionReader;
  deferChatJob?: (job: ChatJob) => Promise<void>;
  /** Default: with a cloud, each probe asks that cloud's instance. */
  httpTransport?: HttpTransport;
  /** Default: this process's table; local CLI commands pass files (local/operator-requests.ts) so other processes reach them. */
  operatorRequests?: OperatorRequestStore;
}

/**
 * Local mode's runtime: the same adapters as on AWS, with each client answered by the local
 * cloud (attached as the runtime makes it), DynamoDB calls sent to this process's dynalite and
 * S3 calls to its s3rver (local/s3), wherever they listen. Nothing is read from or written to the process environment.
 */
export function createLocalRuntime(options: LocalRuntimeOptions = {}): Runtime {
  const { cloud } = options;
  const clock = options.clock ?? cloud?.clock;
  const httpTransport: HttpTransport | undefined =
    options.httpTransport ?? (cloud ? async (instance, _port, path) => cloud.httpProbe(instance.id, path) : undefined);
  return createRuntime({
    settings: { region: "eu-west-1", credentials: LOCAL_CREDENTIALS },
    settingsFor: (Client) => {
      if (Client === DynamoDBClient) return { endpoint: localDynamoEndpoint };
      // s3rver checks signatures against its one built-in key pair.
      if (Client === S3Client) return { endpoint: localS3Endpoint, forcePathStyle: true, credentials: LOCAL_S3_CREDENTIALS };
      return undefined;
    },
    onClient: (client, Client) => {
      if (CLOUD_SERVICES.has(Client)) attachLocalCloud(client as LocalCloudClient, cloud ?? activeCloud);
    },
    ...(clock ? { now: () => clock.now() } : {}),
    ...(options.config ? { config: options.config } : {}),
    env: {
      logLevel: options.logLevel ?? "SILENT",
      ...(options.tableName ? { tableName: options.tableName } : {}),
      ...(options.releaseBucket ? { releaseBucket: options.releaseBucket } : {}),
      ...(options.webhookSecret ? { webhookSecret: options.webhookSecret } : {}),
      ...(options.githubToken ? { githubToken: options.githubToken } : {}),
      ...(options.deployStateMachineArn ? { deployStateMachineArn: options.deployStateMachineArn } : {}),
      ...(options.slackSigningSecret ? { slackSigningSecret: options.slackSigningSecret } : {}),
    },
    ...(httpTransport ? { httpTransport } : {}),
    ...(options.startDeploy ? { startDeploy: options.startDeploy } : {}),
    ...(options.latestExecution ? { latestExecution: options.latestExecution } : {}),
    ...(options.deferChatJob ? { deferChatJob: options.deferChatJob } : {}),
    ...(options.operatorRequests ? { operatorRequests: options.operatorRequests } : {}),
    awaitApproval: localApprovals(clock ?? new SystemClock()),
  });
}
