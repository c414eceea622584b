import type { DeployStart, DeployStarter } from "../functions/aws/executions/executions.js";
import type { GantryConfig } from "../functions/core/config/config.js";
import { executionArnFor } from "../functions/core/executions/execution-links.js";
import type { ExecutionEvent, ExecutionRecord } from "../functions/core/executions/execution-record.js";
import { VirtualClock } from "./clock.js";
import type { LocalCloud } from "./cloud/index.js";
import { saveLocalDynamo } from "./dynamo-session.js";
import { applyExampleReleaseHealth } from "./example-releases.js";
import { ExecutionStore } from "./records.js";
import type { LocalRuntimeOptions } from "./runtime.js";
import { createLocalFleet, runLocalDeploy, type LocalFleet } from "./scenario.js";

export const LOCAL_DEPLOY_STATE_MACHINE = "arn:aws:states:local:000000000000:stateMachine:gantry-deploy";

export interface LocalDeploysOptions {
  config: GantryConfig;
  /** Instances of each simulated group. */
  instances?: number;
  onDeployEvent?: (execution: string, event: ExecutionEvent) => void;
  onDeployDone?: (record: ExecutionRecord) => void;
  /** What else the runtime carries (a secret, the chat's hooks). */
  runtime?: Omit<LocalRuntimeOptions, "cloud" | "clock" | "config" | "deployStateMachineArn" | "startDeploy">;
}

export interface LocalDeploys {
  /** Deploys started so far, by execution name, resolving when each ends. */
  deploys: Map<string, Promise<ExecutionRecord>>;
  store: ExecutionStore;
  /** The runtime the HTTP function runs on: its deploys start here. */
  runtimeOptions: Omit<LocalRuntimeOptions, "cloud" | "clock">;
}

/**
 * What a deploy started by an HTTP function (the webhook, the chat endpoint) runs on locally:
 * the deploy state machine in process, against a simulated group per configured app/env in one
 * local cloud, each execution recorded like any local one, the release history in dynalite.
 */
export function localDeploys(options: LocalDeploysOptions): LocalDeploys {
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
        runtime: runtimeOptions,
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
    // Execution names are unique: the name taken means an earlier request started it.
    if (deploys.has(name) || store.lookup(name).record?.name === name) return { executionArn, alreadyHandled: true };
    const fleet = fleetFor(input.app, input.env);
    const local = { ...input, group: fleet.deployInput(input.release?.id ?? "recover").group };
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
  // What the function reads from its environment and the bundled configuration, given directly.
  const runtimeOptions: Omit<LocalRuntimeOptions, "cloud" | "clock"> = {
    ...options.runtime,
    config: options.config,
    deployStateMachineArn: LOCAL_DEPLOY_STATE_MACHINE,
    startDeploy,
  };
  return { deploys, store, runtimeOptions };
}
