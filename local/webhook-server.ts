import { provideRuntime } from "../functions/aws/runtime.js";
import type { GantryConfig } from "../functions/core/config/config.js";
import type { ExecutionRecord, ExecutionEvent } from "../functions/core/executions/execution-record.js";
import { handler } from "../functions/webhook/handler.js";
import { serveFunctionUrl } from "./function-url.js";
import { localDeploys } from "./local-deploys.js";
import { createLocalRuntime } from "./runtime.js";

/** GitHub sends at most 25 MB; past a little more the server stops reading and answers 413 itself. */
const MAX_READ_BYTES = 26 * 1024 * 1024;

export interface WebhookServerOptions {
  config: GantryConfig;
  secret: string;
  /** The token deploys report to GitHub with, for apps whose configuration turns github.deployments on. */
  githubToken?: string;
  /** The local release store's bucket: deploys it starts take only releases built there (`gantry release create --local`). */
  releaseBucket?: string;
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
  const local = localDeploys({
    ...options,
    runtime: {
      webhookSecret: options.secret,
      ...(options.githubToken ? { githubToken: options.githubToken } : {}),
      ...(options.releaseBucket ? { releaseBucket: options.releaseBucket } : {}),
    },
  });
  provideRuntime(createLocalRuntime(local.runtimeOptions));
  const server = await serveFunctionUrl(handler, {
    ...(options.port !== undefined ? { port: options.port } : {}),
    maxBytes: MAX_READ_BYTES,
    tooLarge: "Payload over 25 MB, GitHub's limit for webhook deliveries.",
  });
  return { ...server, deploys: local.deploys };
}
