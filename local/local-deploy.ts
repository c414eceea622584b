import { executionName } from "../functions/core/executions/naming.js";
import { parseDeployInput, type DeployInputRaw, type Strategy } from "../functions/core/config/input.js";
import { VirtualClock } from "./clock.js";
import { applyExampleReleaseHealth } from "./example-releases.js";
import { summarizeExecution, type ExecutionSummary } from "../functions/core/executions/execution-record.js";
import { ExecutionStore } from "./records.js";
import { saveLocalDynamo } from "./dynamo-session.js";
import type { ExecutionRecord, ExecutionEvent } from "../functions/core/executions/execution-record.js";
import { createLocalFleet, runLocalDeploy, type LocalFleet } from "./scenario.js";
import type { GantryConfig } from "../functions/core/config/config.js";
import type { OperatorRequestStore } from "../functions/core/operator/requests.js";

/** The steps after which the local table is saved at once: the release number, and the rollout's record. */
const SAVED_AFTER = new Set(["Take the deploy lock", "Prepare group"]);

export interface LocalDeployRequest {
  app: string;
  env: string;
  release: string;
  /** The local release store's bucket: the release must be built there. */
  releaseBucket?: string;
  /** Size of the simulated group, and the release it runs before the deploy. */
  instances: number;
  from: string;
  strategy: Pick<Strategy, "batches" | "bakeSeconds" | "minHealthyPercent" | "retire"> & Partial<Pick<Strategy, "mode">>;
  dryRun?: boolean;
  trigger: NonNullable<DeployInputRaw["trigger"]>;
  onEvent?: (event: ExecutionEvent) => void;
  /** Called once the execution has its name and its simulated group, before its first state (a watcher samples the group). */
  onStart?: (name: string, fleet: LocalFleet) => void;
  /** The start of the virtual clock and of the execution's name (default: now). */
  now?: number;
  /** The configuration the steps read (default: the bundled one); with github.deployments on, the deploy reports to GitHub. */
  config?: GantryConfig;
  /** The token such reports use (GANTRY_GITHUB_TOKEN). */
  githubToken?: string;
  /** Where its steps read operator requests (default: the in-process table); the CLI passes files, so `gantry abort --local` reaches it. */
  operatorRequests?: OperatorRequestStore;
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
  const runtime = {
    ...(request.config ? { config: request.config } : {}),
    ...(request.githubToken ? { githubToken: request.githubToken } : {}),
    ...(request.releaseBucket ? { releaseBucket: request.releaseBucket } : {}),
    ...(request.operatorRequests ? { operatorRequests: request.operatorRequests } : {}),
  };
  const fleet = createLocalFleet({
    instances: request.instances,
    release: request.from,
    app: request.app,
    env: request.env,
    clock: new VirtualClock(now),
    runtime,
  });
  applyExampleReleaseHealth(fleet.cloud);
  const report = request.config?.apps[request.app]?.github?.deployments ? { reportToGitHub: true } : {};
  const input = fleet.deployInput(request.release, { strategy: request.strategy, dryRun: Boolean(request.dryRun), trigger: request.trigger, ...report });
  parseDeployInput(input);
  const store = new ExecutionStore();
  const name = executionName(request.app, request.env, request.release, now.toString(36));
  request.onStart?.(name, fleet);
  const record = await runLocalDeploy(fleet, input, {
    name,
    onEvent: (event) => {
      // The release number is saved as soon as the deploy holds it, so a killed run keeps it; a
      // failed save here is retried by the save every command makes before it exits.
      // So is the rollout's record once "Prepare group" wrote it: a killed run leaves it for gantry recover --local.
      if (event.kind === "exited" && SAVED_AFTER.has(event.step.state)) void saveLocalDynamo().catch(() => undefined);
      request.onEvent?.(event);
    },
    onRecord: (current) => store.save(current),
  });
  store.save(record);
  return { name, record, summary: summarizeExecution(record, fleet.clock.now()), recordedIn: store.dir };
}
