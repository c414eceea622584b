import { AutoScalingClient } from "@aws-sdk/client-auto-scaling";
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { EC2Client } from "@aws-sdk/client-ec2";
import { ElasticLoadBalancingV2Client } from "@aws-sdk/client-elastic-load-balancing-v2";
import { Route53Client } from "@aws-sdk/client-route-53";
import { ServiceQuotasClient } from "@aws-sdk/client-service-quotas";
import { SSMClient } from "@aws-sdk/client-ssm";
import type { ClientClass } from "../functions/aws/clients.js";
import type { LogLevel } from "../functions/aws/environment.js";
import type { DeployStarter } from "../functions/aws/executions/executions.js";
import type { HttpTransport } from "../functions/aws/rollout/http-probe.js";
import { createRuntime, type Runtime } from "../functions/aws/runtime.js";
import type { GantryConfig } from "../functions/core/config/config.js";
import type { Clock } from "./clock.js";
import { activeCloud, attachLocalCloud, type LocalCloud, type LocalCloudClient } from "./cloud/index.js";
import { localDynamoEndpoint } from "./dynamo/index.js";

/** Dynalite and the local cloud check no credentials; fixed ones keep the SDK from looking for real ones. */
const LOCAL_CREDENTIALS = { accessKeyId: "local", secretAccessKey: "local" };

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

export interface LocalRuntimeOptions {
  /** The cloud that answers EC2, Auto Scaling, ELB, CloudWatch and Route 53 (default: the active one, see setActiveCloud). */
  cloud?: LocalCloud;
  /** Default: the cloud's clock when a cloud is given, else the real time. */
  clock?: Clock;
  config?: GantryConfig;
  /** Default SILENT: local mode prints its own progress, not the steps' log lines. */
  logLevel?: LogLevel;
  tableName?: string;
  webhookSecret?: string;
  deployStateMachineArn?: string;
  startDeploy?: DeployStarter;
  /** Default: with a cloud, each probe asks that cloud's instance. */
  httpTransport?: HttpTransport;
}

/**
 * Local mode's runtime: the same adapters as on AWS, with each client answered by the local
 * cloud (attached as the runtime makes it) and DynamoDB calls sent to this process's dynalite,
 * wherever it listens. Nothing is read from or written to the process environment.
 */
export function createLocalRuntime(options: LocalRuntimeOptions = {}): Runtime {
  const { cloud } = options;
  const clock = options.clock ?? cloud?.clock;
  const httpTransport: HttpTransport | undefined =
    options.httpTransport ?? (cloud ? async (instance, _port, path) => cloud.httpProbe(instance.id, path) : undefined);
  return createRuntime({
    settings: { region: "eu-west-1", credentials: LOCAL_CREDENTIALS },
    settingsFor: (Client) => (Client === DynamoDBClient ? { endpoint: localDynamoEndpoint } : undefined),
    onClient: (client, Client) => {
      if (CLOUD_SERVICES.has(Client)) attachLocalCloud(client as LocalCloudClient, cloud ?? activeCloud);
    },
    ...(clock ? { now: () => clock.now() } : {}),
    ...(options.config ? { config: options.config } : {}),
    env: {
      logLevel: options.logLevel ?? "SILENT",
      ...(options.tableName ? { tableName: options.tableName } : {}),
      ...(options.webhookSecret ? { webhookSecret: options.webhookSecret } : {}),
      ...(options.deployStateMachineArn ? { deployStateMachineArn: options.deployStateMachineArn } : {}),
    },
    ...(httpTransport ? { httpTransport } : {}),
    ...(options.startDeploy ? { startDeploy: options.startDeploy } : {}),
  });
}
