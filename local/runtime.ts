import { cloudClients, createAwsClients } from "../functions/aws/clients.js";
import type { LogLevel } from "../functions/aws/environment.js";
import type { DeployStarter } from "../functions/aws/executions.js";
import type { HttpTransport } from "../functions/aws/http-probe.js";
import { createRuntime, type Runtime } from "../functions/aws/runtime.js";
import type { GantryConfig } from "../functions/core/config.js";
import type { Clock } from "./clock.js";
import { activeCloud, attachLocalCloud, type LocalCloud } from "./cloud/index.js";
import { localDynamoEndpoint } from "./dynamo/index.js";

/** Dynalite and the local cloud check no credentials; fixed ones keep the SDK from looking for real ones. */
const LOCAL_CREDENTIALS = { accessKeyId: "local", secretAccessKey: "local" };

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
 * Local mode's runtime: the same adapters as on AWS, with their clients answered by the local
 * cloud (attached once here) and DynamoDB calls sent to this process's dynalite, wherever it
 * listens. Nothing is read from or written to the process environment.
 */
export function createLocalRuntime(options: LocalRuntimeOptions = {}): Runtime {
  const clients = createAwsClients({ region: "eu-west-1", credentials: LOCAL_CREDENTIALS, dynamoDbEndpoint: localDynamoEndpoint });
  const { cloud } = options;
  for (const client of cloudClients(clients)) attachLocalCloud(client, cloud ?? activeCloud);
  const clock = options.clock ?? cloud?.clock;
  const httpTransport: HttpTransport | undefined =
    options.httpTransport ?? (cloud ? async (instance, _port, path) => cloud.httpProbe(instance.id, path) : undefined);
  return createRuntime({
    clients,
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
