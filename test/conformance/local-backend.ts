import { DEFAULT_VIRTUAL_START, VirtualClock } from "../../local/clock.js";
import { attachLocalCloud } from "../../local/cloud/index.js";
import { ensureLocalDynamo } from "../../local/dynamo-session.js";
import { createLocalFleet, runLocalDeploy, type LocalFleet } from "../../local/scenario.js";
import type { Backend, Fleet, FleetSpec } from "./backend.js";
import { readClients, readFinalState, readSentCommands } from "./read-back.js";

/** On a virtual clock boots and health checks cost nothing, so the timings can be AWS-like. */
const LOCAL_STRATEGY: Fleet["strategy"] = { batches: [1], bakeSeconds: 1, pollSeconds: 5, launchTimeoutSeconds: 300, healthTimeoutSeconds: 120 };

const clients = readClients();
for (const client of Object.values(clients)) attachLocalCloud(client);

const fleets = new WeakMap<Fleet, LocalFleet>();

function localOf(fleet: Fleet): LocalFleet {
  const local = fleets.get(fleet);
  if (!local) throw new Error(`${fleet.groupName} was not made by the local backend`);
  return local;
}

export const localBackend: Backend = {
  name: "local cloud",

  async createFleet(spec: FleetSpec): Promise<Fleet> {
    await ensureLocalDynamo();
    const local = createLocalFleet({
      // Mid-second, as a real clock mostly is: a plan made at 09:00:00.400 and its launches,
      // whose LaunchTime reads 09:00:00, fall in the same second (issue 17's rollback bug).
      clock: new VirtualClock(DEFAULT_VIRTUAL_START + 400),
      app: spec.app,
      instances: spec.instances,
      maxSize: spec.instances + 2,
      zones: 2,
      ...(spec.release ? { release: spec.release } : {}),
      ...(spec.cycleMaxAgeSeconds !== undefined ? { ages: Array.from({ length: spec.instances }, () => (spec.cycleMaxAgeSeconds ?? 0) + 60) } : {}),
    });
    const alarmName = `${local.groupName}-5xx`;
    local.cloud.setAlarm(alarmName, "OK");
    const fleet: Fleet = {
      app: spec.app,
      env: "prod",
      groupName: local.groupName,
      targetGroupArns: local.targetGroupArns,
      launchTemplateId: local.launchTemplateId,
      alarmName,
      images: { v1: "ami-0123456789abcdef0", next: "ami-0a1b2c3d4e5f60002" },
      clock: local.clock,
      strategy: LOCAL_STRATEGY,
      deployInput: (id, overrides = {}) => local.deployInput(id, { strategy: LOCAL_STRATEGY, trigger: { source: "conformance" }, ...overrides }),
    };
    fleets.set(fleet, local);
    return fleet;
  },

  finalState: (fleet) => readFinalState(clients, fleet),

  sentCommands: (fleet) => readSentCommands(clients, fleet),

  breakRelease(fleet, release) {
    localOf(fleet).cloud.setReleaseHealth(release, "unhealthy");
    return { end: () => undefined };
  },

  setAlarm(fleet, state) {
    localOf(fleet).cloud.setAlarm(fleet.alarmName, state);
    return Promise.resolve();
  },

  runDeploy(fleet, input, options = {}) {
    return runLocalDeploy(localOf(fleet), input, {
      onEvent: (event) => {
        if (event.kind === "exited") options.onExited?.(event.step.state);
      },
    });
  },
};
