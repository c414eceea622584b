import type { GantryConfig } from "../functions/core/config/config.js";
import type { ExecutionEvent, ExecutionRecord } from "../functions/core/executions/execution-record.js";
import type { PowerInput } from "../functions/core/power/power.js";
import type { PowerProgress } from "../functions/core/power/power-progress.js";
import { VirtualClock } from "./clock.js";
import { createPowerWorld, runLocalPower } from "./power-scenario.js";
import { ExecutionStore } from "./records.js";

export interface LocalPowerRequest {
  config: GantryConfig;
  input: PowerInput;
  /** The instant the run decides for (epoch ms): the local cloud's clock starts there. */
  at: number;
  instancesPerTag: number;
  /** Script the first tag target's first instance to fail its start. */
  failStart?: boolean;
  /** Each Task's targets and what they reported, when they changed, at the local clock's time. */
  onTargets?: (state: string, at: number, targets: PowerProgress["targets"]) => void;
}

export interface LocalPowerResult {
  name: string;
  record: ExecutionRecord;
  output?: PowerProgress;
  simulatedSeconds: number;
  recordedIn: string;
}

/** Runs the power state machine once for a schedule, as Scheduler would, against simulated targets; recorded under `.gantry/`. */
export async function powerLocally(request: LocalPowerRequest): Promise<LocalPowerResult> {
  const { input } = request;
  const world = createPowerWorld({
    config: request.config,
    schedule: input.schedule,
    running: input.action === "stop",
    instancesPerTag: request.instancesPerTag,
    clock: new VirtualClock(request.at),
  });
  const firstTagged = Object.values(world.instances)[0]?.[0];
  if (request.failStart && firstTagged) world.cloud.failNextStart(firstTagged);
  const store = new ExecutionStore();
  const name = `${input.schedule}-${input.action}-${Date.now().toString(36)}`;
  let shown = "";
  const record = await runLocalPower(world, input, {
    name,
    // The targets again only when they changed: a start polls for minutes.
    onEvent: (event: ExecutionEvent) => {
      if (event.kind !== "exited" || event.step.type !== "Task") return;
      const targets = (event.step.output as { power?: PowerProgress } | undefined)?.power?.targets ?? [];
      const text = JSON.stringify(targets.map((target) => [target.target, target.status, target.detail]));
      if (text === shown) return;
      shown = text;
      request.onTargets?.(event.step.state, world.clock.now(), targets);
    },
    onRecord: (current) => store.save(current),
  });
  store.save(record);
  const output = record.output as PowerProgress | undefined;
  return { name, record, ...(output ? { output } : {}), simulatedSeconds: Math.round((world.clock.now() - request.at) / 1000), recordedIn: store.dir };
}
