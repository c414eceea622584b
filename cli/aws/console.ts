import type { ExecutionListItem, SFNClient } from "@aws-sdk/client-sfn";
import * as z from "zod";
import { ActionRefusedError, type ConsoleAction } from "../../console/actions.js";
import { LISTED, type ExecutionSource } from "../../console/sources.js";
import { describeExecution, historySince, listExecutions } from "../../functions/aws/executions/step-functions.js";
import { HistoryReader } from "../../functions/aws/executions/execution-history.js";
import type { GantryConfig } from "../../functions/core/config/config.js";
import { GantryError } from "../../functions/core/errors.js";
import { executionArnFor } from "../../functions/core/executions/execution-links.js";
import { summarizeExecution, type ExecutionRecord, type ExecutionSummary } from "../../functions/core/executions/execution-record.js";
import type { ConsoleOptions } from "../commands/console.js";
import { UsageError } from "../output.js";
import { deployOnAws } from "./deploy.js";
import { rollbackOnAws } from "./releases.js";
import { configFor, connect, deployStateMachine } from "./target.js";

/**
 * The deployed stack's executions, read with the person's own credentials: ListExecutions for
 * the list, and DescribeExecution plus the history events since the last read for the one a
 * page shows (each execution's reader is kept, so a poll reads only what is new).
 */
class AwsExecutions implements ExecutionSource {
  private readonly readers = new Map<string, HistoryReader>();

  constructor(
    private readonly stepFunctions: SFNClient,
    private readonly stateMachineArn: string,
    private readonly appEnvs: { app: string; env: string }[],
    readonly where: string,
  ) {}

  async list(now: number): Promise<ExecutionSummary[]> {
    const belongs = (name: string) => this.appEnvs.length === 0 || this.appEnvs.some(({ app, env }) => name.startsWith(`${app}-${env}-`));
    const items = await listExecutions(this.stepFunctions, this.stateMachineArn, { belongs, limit: LISTED });
    return items.map((item) => summarizeExecution(this.listed(item), now));
  }

  async read(name: string): Promise<ExecutionRecord | undefined> {
    const executionArn = executionArnFor(this.stateMachineArn, name);
    let description: Awaited<ReturnType<typeof describeExecution>>;
    try {
      description = await describeExecution(this.stepFunctions, executionArn);
    } catch (error) {
      if ((error as { name?: string }).name === "ExecutionDoesNotExist") return undefined;
      throw error;
    }
    const reader = this.readers.get(name) ?? new HistoryReader();
    this.readers.set(name, reader);
    reader.read(await historySince(this.stepFunctions, executionArn, reader.lastEventId));
    return reader.record(description);
  }

  /** A listed execution as a record without steps; its release is the name's part after the app/env. */
  private listed(item: ExecutionListItem): ExecutionRecord {
    const name = item.name ?? "";
    const owner = this.appEnvs.find(({ app, env }) => name.startsWith(`${app}-${env}-`));
    const release = owner ? name.slice(`${owner.app}-${owner.env}-`.length).replace(/-[^-]+$/, "") : "?";
    return {
      name,
      status: (item.status ?? "RUNNING") as ExecutionRecord["status"],
      startedAt: item.startDate?.getTime() ?? 0,
      ...(item.stopDate ? { stoppedAt: item.stopDate.getTime() } : {}),
      input: { release: { id: release } },
      historyEvents: 0,
      transitions: 0,
      maxPayloadBytes: 0,
      steps: [],
    };
  }
}

const deployInput = z.strictObject({ app: z.string().min(1), env: z.string().min(1), release: z.string().min(1) });
const rollbackInput = z.strictObject({ app: z.string().min(1), env: z.string().min(1), to: z.string().min(1).optional() });

/** A usage or configuration mistake is the person's to fix: the page shows it as a refusal. */
async function refusing(start: () => Promise<number>, started: string): Promise<string> {
  try {
    await start();
    return started;
  } catch (error) {
    if (error instanceof UsageError || error instanceof GantryError) throw new ActionRefusedError(error.message, { cause: error });
    throw error;
  }
}

/** The console on the deployed stack: its executions, and deploy and rollback as `gantry deploy` and `gantry rollback` start them. */
export async function awsConsole(options: ConsoleOptions): Promise<{ source: ExecutionSource; actions: ConsoleAction[]; mode: string }> {
  const config = await configFor(options, false);
  const target = await connect(options);
  const appEnvs = appEnvsOf(config);
  const region = target.settings.region ?? "the profile's region";
  const source = new AwsExecutions(target.clients.stepFunctions, deployStateMachine(target), appEnvs, `executions of stack ${options.stack} in ${region}`);
  const apps = [...new Set(appEnvs.map(({ app }) => app))];
  const envs = [...new Set(appEnvs.map(({ env }) => env))];
  const deploy: ConsoleAction<z.infer<typeof deployInput>> = {
    name: "deploy",
    label: "Deploy",
    description: "start the stack's deploy state machine for a release, as gantry deploy does",
    fields: [
      { name: "app", label: "app", choices: apps },
      { name: "env", label: "env", choices: envs },
      { name: "release", label: "release id (commit, 12 hex)" },
    ],
    input: deployInput,
    run: (input) =>
      refusing(
        () => deployOnAws(input.release, { ...options, app: input.app, env: input.env }),
        `deploy of ${input.release} to ${input.app}/${input.env} started`,
      ),
  };
  const rollBack: ConsoleAction<z.infer<typeof rollbackInput>> = {
    name: "rollback",
    label: "Roll back",
    description: "deploy the release before the current one again (or the one named), as gantry rollback does",
    fields: [
      { name: "app", label: "app", choices: apps },
      { name: "env", label: "env", choices: envs },
      { name: "to", label: "to release number (optional, e.g. v41)", optional: true },
    ],
    input: rollbackInput,
    run: (input) =>
      refusing(
        () => rollbackOnAws(input.app, input.env, { ...options, ...(input.to ? { to: input.to } : {}) }),
        `rollback of ${input.app}/${input.env} started`,
      ),
  };
  return { source, actions: config ? [deploy, rollBack] : [], mode: `AWS, stack ${options.stack}` };
}

function appEnvsOf(config: GantryConfig | undefined): { app: string; env: string }[] {
  return Object.entries(config?.apps ?? {}).flatMap(([app, settings]) => Object.keys(settings.environments).map((env) => ({ app, env })));
}
