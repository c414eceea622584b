import { Logger } from "@aws-lambda-powertools/logger";
import bundled from "../../gantry.config.js";
import { parseConfig, type GantryConfig } from "../core/config/config.js";
import { STANDARD_SETTINGS, type ClientClass, type ClientSettings } from "./clients.js";
import { readEnvironment, type GantryEnvironment, type LogLevel } from "./environment.js";
import type { ChatJob } from "../core/chat/chat.js";
import type { DeployStarter } from "./executions/executions.js";
import type { LatestExecutionReader } from "./executions/latest-execution.js";
import type { HttpTransport } from "./rollout/http-probe.js";
import type { OperatorRequestStore } from "../core/operator/requests.js";
import type { ApprovalAnswer, ApprovalCheckpoint } from "../core/rollout/approvals.js";

/** Waits, in process, for the answer to one execution's checkpoint; throws when none comes in time. */
export type ApprovalWaiter = (wait: {
  app: string;
  env: string;
  execution: string;
  checkpoint: ApprovalCheckpoint;
  pollSeconds: number;
}) => Promise<ApprovalAnswer>;

/**
 * Everything gantry's adapters need from the world: the AWS clients, the clock, the
 * configuration, the validated environment and the logger.
 *
 * One way in: adapters in functions/aws call `runtime()` when they need a client, the time or a
 * setting, and never keep their own: `runtime().client(EC2Client).send(…)`. The runtime makes
 * each client on first use and keeps it, so a warm Lambda reuses it, and a bundle holds only
 * the clients its adapters name. A Lambda container builds its runtime from the plain
 * environment on first use and keeps it for the container's life; functions/wiring/lambda.ts
 * traces its clients with X-Ray. Local mode, the CLI and tests build theirs with
 * `createRuntime` (their own client settings, clock and configuration; local mode attaches the
 * local cloud to each client as it is made) and install it once with `provideRuntime` before
 * any handler or adapter runs.
 */
export interface Runtime {
  /**
   * The one client of this class, made on first use with the runtime's settings, then
   * `settings` (a service's own needs, such as Route 53's region): the first use fixes them.
   */
  client<C extends object>(Client: ClientClass<C>, settings?: ClientSettings): C;
  /** Epoch milliseconds: the real time on AWS, the local cloud's clock in local mode. */
  now(): number;
  /** The configuration, parsed on first use. */
  config(): GantryConfig;
  env: GantryEnvironment;
  logger: Logger;
  /** How HTTP gates reach instances, when not over the network (local instances). */
  httpTransport?: HttpTransport;
  /** How the webhook starts deploys, when not through Step Functions (local mode's state machine). */
  startDeploy?: DeployStarter;
  /** How an app/env's latest execution is read, when not from Step Functions (local mode's records). */
  latestExecution?: LatestExecutionReader;
  /** How the chat endpoint runs its work after answering, when not by invoking itself (local mode: in process). */
  deferChatJob?: (job: ChatJob) => Promise<void>;
  /** Where requests to running executions are kept, when not in the gantry table (local commands: files). */
  operatorRequests?: OperatorRequestStore;
  /**
   * How an approval checkpoint gets its answer when no task token can carry it (local mode: the
   * state machine runner has none). Without it the step returns and the execution waits for
   * SendTaskSuccess or SendTaskFailure, as on AWS.
   */
  awaitApproval?: ApprovalWaiter;
}

export interface RuntimeParts {
  /** Settings for every client: region, profile, credentials (default: the SDK's chain). */
  settings?: ClientSettings;
  /** Settings for one class of client, over everything else (local mode's DynamoDB endpoint). */
  settingsFor?: (Client: ClientClass<object>) => ClientSettings | undefined;
  /** Called with each client as it is made (local mode attaches the local cloud; Lambda adds tracing). */
  onClient?: (client: object, Client: ClientClass<object>) => void;
  now?: () => number;
  /** The configuration, or how to load it on first use (default: parse the bundled gantry.config.ts). */
  config?: GantryConfig | (() => GantryConfig);
  /** Settings beyond the defaults (region us-east-1, table "gantry", log level INFO). */
  env?: Partial<GantryEnvironment>;
  httpTransport?: HttpTransport;
  startDeploy?: DeployStarter;
  latestExecution?: LatestExecutionReader;
  deferChatJob?: (job: ChatJob) => Promise<void>;
  operatorRequests?: OperatorRequestStore;
  awaitApproval?: ApprovalWaiter;
}

/** The one way to build a runtime: Lambda, local mode, the CLI and tests all come through here. */
export function createRuntime(parts: RuntimeParts): Runtime {
  const env: GantryEnvironment = { region: "us-east-1", tableName: "gantry", logLevel: "INFO", ...parts.env };
  let config: GantryConfig | undefined = typeof parts.config === "object" ? parts.config : undefined;
  const loadConfig = typeof parts.config === "function" ? parts.config : () => parseConfig(bundled);
  const made = new Map<ClientClass<object>, object>();
  return {
    client: <C extends object>(Client: ClientClass<C>, settings: ClientSettings = {}): C => {
      let client = made.get(Client) as C | undefined;
      if (client === undefined) {
        // The only place gantry creates AWS clients.
        client = new Client({ ...STANDARD_SETTINGS, ...parts.settings, ...settings, ...parts.settingsFor?.(Client) });
        parts.onClient?.(client, Client);
        made.set(Client, client);
      }
      return client;
    },
    now: parts.now ?? (() => Date.now()),
    config: () => (config ??= loadConfig()),
    env,
    logger: gantryLogger(env.logLevel),
    ...(parts.httpTransport ? { httpTransport: parts.httpTransport } : {}),
    ...(parts.startDeploy ? { startDeploy: parts.startDeploy } : {}),
    ...(parts.latestExecution ? { latestExecution: parts.latestExecution } : {}),
    ...(parts.deferChatJob ? { deferChatJob: parts.deferChatJob } : {}),
    ...(parts.operatorRequests ? { operatorRequests: parts.operatorRequests } : {}),
    ...(parts.awaitApproval ? { awaitApproval: parts.awaitApproval } : {}),
  };
}

/**
 * A Lambda's runtime, from its environment variables: fails at once, naming the variable, when
 * one is wrong. Regions and endpoints beyond these are the SDK's own (`AWS_ENDPOINT_URL`).
 */
export function runtimeFromEnvironment(
  variables: Record<string, string | undefined> = process.env,
  extra: Pick<RuntimeParts, "config" | "onClient" | "now"> = {},
): Runtime {
  const env = readEnvironment(variables);
  return createRuntime({ settings: { region: env.region }, env, ...extra });
}

/** JSON lines with level, time and (inside a handler) the request id; never the event itself. */
function gantryLogger(level: LogLevel): Logger {
  return new Logger({ serviceName: "gantry", logLevel: level });
}

let current: Runtime | undefined;

/** The runtime: the one provided, or else this container's, built from the environment on first use. */
export function runtime(): Runtime {
  current ??= runtimeFromEnvironment();
  return current;
}

/**
 * The runtime's logger, or, when building the runtime failed (a wrong environment variable), a
 * plain one at INFO, so the reason is still logged.
 */
export function runtimeLogger(): Logger {
  return current?.logger ?? gantryLogger("INFO");
}

/** Whether a runtime exists yet (the Lambda wrapper builds a traced one when none does). */
export function hasRuntime(): boolean {
  return current !== undefined;
}

/** Installs the runtime every adapter uses from now on: local mode, the CLI and tests, once, before running anything. */
export function provideRuntime(next: Runtime): void {
  current = next;
}

/** Forgets the runtime, so the next use builds one from the environment again, as a fresh container would (tests). */
export function resetRuntime(): void {
  current = undefined;
}
