import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from "aws-lambda";
import type { DeployStart, DeployStarter } from "../functions/aws/executions/executions.js";
import { provideRuntime } from "../functions/aws/runtime.js";
import type { GantryConfig } from "../functions/core/config/config.js";
import { executionArnFor } from "../functions/core/executions/execution-links.js";
import { handler } from "../functions/webhook/handler.js";
import { VirtualClock } from "./clock.js";
import type { LocalCloud } from "./cloud/index.js";
import { saveLocalDynamo } from "./dynamo-session.js";
import { applyExampleReleaseHealth } from "./example-releases.js";
import { ExecutionStore } from "./records.js";
import type { ExecutionRecord, ExecutionEvent } from "../functions/core/executions/execution-record.js";
import { createLocalFleet, runLocalDeploy, type LocalFleet } from "./scenario.js";
import { createLocalRuntime, type LocalRuntimeOptions } from "./runtime.js";

/** GitHub sends at most 25 MB; past a little more the server stops reading and answers 413 itself. */
const MAX_READ_BYTES = 26 * 1024 * 1024;
const LOCAL_STATE_MACHINE = "arn:aws:states:local:000000000000:stateMachine:gantry-deploy";

export interface WebhookServerOptions {
  config: GantryConfig;
  secret: string;
  /** The token deploys report to GitHub with, for apps whose configuration turns github.deployments on. */
  githubToken?: string;
  port?: number;
  /** Instances of each simulated group. */
  instances?: number;
  onDeployEvent?: (execution: string, event: ExecutionEvent) => void;
  onDeployDone?: (record: ExecutionRecord) => void;
}

export interface WebhookServer {
  url: string;
  port: number;
  /** Deploys started so far, by execution name, resolving when each ends. */
  deploys: Map<string, Promise<ExecutionRecord>>;
  close(): Promise<void>;
}

/**
 * The webhook Lambda behind a real HTTP server on 127.0.0.1, as a Function URL would call it;
 * a push it accepts runs the deploy state machine locally, against a simulated group per
 * configured app/env in one local cloud, recorded like any local execution.
 */
export async function startWebhookServer(options: WebhookServerOptions): Promise<WebhookServer> {
  const store = new ExecutionStore();
  const deploys = new Map<string, Promise<ExecutionRecord>>();
  const fleets = new Map<string, LocalFleet>();
  let cloud: LocalCloud | undefined;

  const fleetFor = (app: string, env: string): LocalFleet => {
    const key = `${app}/${env}`;
    let fleet = fleets.get(key);
    if (!fleet) {
      const instances = options.instances ?? 4;
      // Room for any batch size the configuration may ask for, up to the whole group at once.
      fleet = createLocalFleet({
        instances,
        maxSize: 2 * instances,
        app,
        env,
        release: "initial",
        runtime: webhookRuntime,
        ...(cloud ? { cloud } : { clock: new VirtualClock(Date.now()) }),
      });
      cloud ??= fleet.cloud;
      applyExampleReleaseHealth(fleet.cloud);
      fleets.set(key, fleet);
    }
    return fleet;
  };

  const startDeploy: DeployStarter = async ({ stateMachineArn, name, input }: DeployStart) => {
    const executionArn = executionArnFor(stateMachineArn, name);
    // Execution names are unique: the name taken means an earlier delivery started it.
    if (deploys.has(name) || store.lookup(name).record?.name === name) return { executionArn, alreadyHandled: true };
    const fleet = fleetFor(input.app, input.env);
    const local = { ...input, group: fleet.deployInput(input.release.id).group };
    const run = runLocalDeploy(fleet, local, {
      name,
      onEvent: (event) => options.onDeployEvent?.(name, event),
      onRecord: (record) => store.save(record),
    }).then(async (record) => {
      await saveLocalDynamo();
      options.onDeployDone?.(record);
      return record;
    });
    deploys.set(name, run);
    return { executionArn, alreadyHandled: false };
  };
  // What the webhook Lambda reads from its environment and the bundled configuration, given directly.
  const webhookRuntime: Omit<LocalRuntimeOptions, "cloud" | "clock"> = {
    config: options.config,
    webhookSecret: options.secret,
    ...(options.githubToken ? { githubToken: options.githubToken } : {}),
    deployStateMachineArn: LOCAL_STATE_MACHINE,
    startDeploy,
  };
  provideRuntime(createLocalRuntime(webhookRuntime));

  const server = createServer((request, response) => {
    void serve(request, response).catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(500, { "content-type": "application/json" });
      response.end(JSON.stringify({ error: `local webhook server: ${String(error)}` }));
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/`,
    port,
    deploys,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_READ_BYTES) {
      response.writeHead(413, { "content-type": "application/json", connection: "close" });
      response.end(JSON.stringify({ error: "Payload over 25 MB, GitHub's limit for webhook deliveries." }));
      request.destroy();
      return;
    }
    chunks.push(chunk as Buffer);
  }
  const result = (await handler(toFunctionUrlEvent(request, Buffer.concat(chunks)), {} as Context)) as APIGatewayProxyStructuredResultV2;
  response.writeHead(result.statusCode ?? 200, result.headers as Record<string, string>);
  response.end(result.body ?? "");
}

/** The event a Lambda Function URL hands its function: headers lower-cased, body base64 so the signed bytes stay exact. */
function toFunctionUrlEvent(request: IncomingMessage, body: Buffer): APIGatewayProxyEventV2 {
  const url = new URL(request.url ?? "/", "http://127.0.0.1");
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers))
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(",") : value;
  const method = request.method ?? "GET";
  return {
    version: "2.0",
    routeKey: "$default",
    rawPath: url.pathname,
    rawQueryString: url.search.replace(/^\?/, ""),
    headers,
    requestContext: {
      accountId: "000000000000",
      apiId: "local",
      domainName: "127.0.0.1",
      domainPrefix: "local",
      http: {
        method,
        path: url.pathname,
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp: request.socket.remoteAddress ?? "127.0.0.1",
        userAgent: headers["user-agent"] ?? "",
      },
      requestId: `local-${Date.now().toString(36)}`,
      routeKey: "$default",
      stage: "$default",
      time: new Date().toISOString(),
      timeEpoch: Date.now(),
    },
    body: body.toString("base64"),
    isBase64Encoded: true,
  };
}
