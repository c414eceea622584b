import type { Context } from "aws-lambda";
import type { ChatJobEvent } from "../functions/aws/chat/defer.js";
import type { LatestExecutionReader } from "../functions/aws/executions/latest-execution.js";
import { provideRuntime } from "../functions/aws/runtime.js";
import { handler } from "../functions/chat/handler.js";
import type { ChatJob } from "../functions/core/chat/chat.js";
import type { GantryConfig } from "../functions/core/config/config.js";
import { executionArnFor } from "../functions/core/executions/execution-links.js";
import { executionsOf } from "../functions/core/executions/execution-filter.js";
import type { ExecutionEvent, ExecutionRecord } from "../functions/core/executions/execution-record.js";
import { serveFunctionUrl } from "./function-url.js";
import { LOCAL_DEPLOY_STATE_MACHINE, localDeploys } from "./local-deploys.js";
import type { ExecutionStore } from "./records.js";
import { createLocalRuntime } from "./runtime.js";

/** Slack's slash command bodies are a few hundred bytes; a Function URL takes 6 MB. */
const MAX_READ_BYTES = 6 * 1024 * 1024;

export interface ChatServerOptions {
  config: GantryConfig;
  signingSecret: string;
  /** The local release store's bucket: deploys it starts take only releases built there (`gantry release create --local`). */
  releaseBucket?: string;
  port?: number;
  /** Instances of each simulated group. */
  instances?: number;
  onDeployEvent?: (execution: string, event: ExecutionEvent) => void;
  onDeployDone?: (record: ExecutionRecord) => void;
  /** Told of each job once its result is posted (or the post failed). */
  onFollowUp?: (job: ChatJob) => void;
}

export interface ChatServer {
  url: string;
  port: number;
  /** Deploys started so far, by execution name, resolving when each ends. */
  deploys: Map<string, Promise<ExecutionRecord>>;
  /** The work after each answer, resolving once its result was posted to the response_url. */
  followUps: Promise<void>[];
  close(): Promise<void>;
}

/**
 * The chat Lambda behind a real HTTP server on 127.0.0.1, as its Function URL would call it.
 * Where Lambda would run the work after the answer in a second, asynchronous invocation, this
 * server calls the same handler with the same job event in process, after the answer; deploys
 * and rollbacks run locally like the webhook's, and status reads the local records.
 */
export async function startChatServer(options: ChatServerOptions): Promise<ChatServer> {
  const followUps: Promise<void>[] = [];
  const deferChatJob = async (job: ChatJob): Promise<void> => {
    const event: ChatJobEvent = { chatJob: job };
    // Not awaited: the answer goes back to Slack first, as with InvocationType Event.
    const running = Promise.resolve()
      .then(() => handler(event, {} as Context))
      // The handler logs its own failures, as on Lambda; a failed job must not stop the server.
      .then(
        () => options.onFollowUp?.(job),
        () => options.onFollowUp?.(job),
      );
    followUps.push(running);
  };
  const local = localDeploys({
    config: options.config,
    ...(options.instances !== undefined ? { instances: options.instances } : {}),
    ...(options.onDeployEvent ? { onDeployEvent: options.onDeployEvent } : {}),
    ...(options.onDeployDone ? { onDeployDone: options.onDeployDone } : {}),
    runtime: {
      slackSigningSecret: options.signingSecret,
      deferChatJob,
      latestExecution: latestRecorded(() => local.store, options.config),
      ...(options.releaseBucket ? { releaseBucket: options.releaseBucket } : {}),
    },
  });
  provideRuntime(createLocalRuntime(local.runtimeOptions));
  const server = await serveFunctionUrl(handler, {
    ...(options.port !== undefined ? { port: options.port } : {}),
    maxBytes: MAX_READ_BYTES,
    tooLarge: "Payload over 6 MB, a Function URL's limit.",
  });
  return { ...server, deploys: local.deploys, followUps };
}

/** The newest local execution of an app/env, from the records `gantry status --local` reads. */
function latestRecorded(store: () => ExecutionStore, config: GantryConfig): LatestExecutionReader {
  const configured = Object.entries(config.apps).flatMap(([app, settings]) => Object.keys(settings.environments).map((env) => ({ app, env })));
  return async (app, env) => {
    const belongs = executionsOf(app, env, configured);
    const record = store()
      .list()
      .find((candidate) => belongs(candidate.name));
    if (!record) return undefined;
    const input = record.input as { release?: { id?: string }; trigger?: { source?: string; actor?: string } };
    return {
      name: record.name,
      executionArn: executionArnFor(LOCAL_DEPLOY_STATE_MACHINE, record.name),
      status: record.status,
      ...(input.release?.id ? { release: input.release.id } : {}),
      ...(input.trigger?.source ? { trigger: [input.trigger.source, input.trigger.actor].filter(Boolean).join(" by ") } : {}),
      startedAt: record.startedAt,
      ...(record.stoppedAt !== undefined ? { stoppedAt: record.stoppedAt } : {}),
      ...(record.cause ? { cause: record.cause } : {}),
    };
  };
}
