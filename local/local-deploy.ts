import { executionName } from "../functions/core/executions/naming.js";
import { parseDeployInput, type DeployInputRaw, type Strategy } from "../functions/core/config/input.js";
import { VirtualClock } from "./clock.js";
import { applyExampleReleaseHealth } from "./example-releases.js";
import { summarizeExecution, type ExecutionSummary } from "../functions/core/executions/execution-record.js";
import { ExecutionStore } from "./records.js";
import type { ExecutionRecord, ExecutionEvent } from "../functions/core/executions/execution-record.js";
import { createLocalFleet, runLocalDeploy } from "./scenario.js";

export interface LocalDeployRequest {
  app: string;
  env: string;
  release: string;
  /** The local release store's bucket: the release must be built there. */
  releaseBucket?: string;
  /** Size of the simulated group, and the release it runs before the deploy. */
  instances: number;
  from: string;
  strategy: Pick<Strategy, "batches" | "bakeSeconds" | "minHealthyPercent" | "retire">;
  dryRun?: boolean;
  trigger: NonNullable<DeployInputRaw["trigger"]>;
  onEvent?: (event: ExecutionEvent) => void;
  /** The start of the virtual clock and of the execution's name (default: now). */
  now?: number;
}

export interface LocalDeployResult {
  name: string;
  record: ExecutionRecord;
  summary: ExecutionSummary;
  /** Where the execution is recorded, for `gantry history --local`. */
  recordedIn: string;
}

/**
 * Deploys a release to a simulated group on this machine through the real definition and
 * handlers, recording the execution under `.gantry/` as it runs. The input is validated first:
 * a wrong strategy is an InvalidDeployInputError, before any group is built.
 */
export async function deployLocally(request: LocalDeployRequest): Promise<LocalDeployResult> {
  const now = request.now ?? Date.now();
  const fleet = createLocalFleet({
    instances: request.instances,
    release: request.from,
    app: request.app,
    env: request.env,
    clock: new VirtualClock(now),
    ...(request.releaseBucket ? { runtime: { releaseBucket: request.releaseBucket } } : {}),
  });
  applyExampleReleaseHealth(fleet.cloud);
  const input = fleet.deployInput(request.release, { strategy: request.strategy, dryRun: Boolean(request.dryRun), trigger: request.trigger });
  parseDeployInput(input);
  const store = new ExecutionStore();
  const name = executionName(request.app, request.env, request.release, now.toString(36));
  const record = await runLocalDeploy(fleet, input, {
    name,
    ...(request.onEvent ? { onEvent: request.onEvent } : {}),
    onRecord: (current) => store.save(current),
  });
  store.save(record);
  return { name, record, summary: summarizeExecution(record, fleet.clock.now()), recordedIn: store.dir };
}
