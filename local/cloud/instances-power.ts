import type {
  DescribeInstanceStatusCommandInput,
  DescribeInstanceStatusCommandOutput,
  InstanceStateChange,
  InstanceStateName,
  InstanceStatus,
  InstanceStatusSummary,
  StatusType,
  SummaryStatus,
  StartInstancesCommandInput,
  StartInstancesCommandOutput,
  StopInstancesCommandInput,
  StopInstancesCommandOutput,
} from "@aws-sdk/client-ec2";
import { CloudFault, LocalCloudSetupError, LocalCloudUnsupportedError } from "./errors.js";
import type { Fleet } from "./fleet.js";
import { launchTimeAt, type StandalonePower, type VirtualInstance } from "./model.js";
import { byKey, onlyParameters, page, type Operations, type Result } from "./operations.js";

const STATE_CODES: Record<string, number> = { pending: 0, running: 16, "shutting-down": 32, terminated: 48, stopping: 64, stopped: 80 };

/** EC2 documents 100 explicitly named instance ids per DescribeInstanceStatus call. */
const STATUS_IDS_PER_CALL = 100;

/** The EC2 state of a standalone instance as of `now`. */
export function standaloneState(power: StandalonePower, now: number): InstanceStateName {
  if (now < power.settlesAt) return power.wanted === "running" ? "pending" : "stopping";
  if (power.wanted === "stopped" || power.startFailure) return "stopped";
  return "running";
}

export function stateCode(state: string): number | undefined {
  return STATE_CODES[state];
}

export interface StandaloneOptions {
  /** Tags, e.g. `{ "gantry:schedule": "office-hours", Name: "jumpbox" }`. */
  tags?: Record<string, string>;
  state: "running" | "stopped";
  availabilityZone?: string;
  /** pending → running (default 30 s). */
  startSeconds?: number;
  /** stopping → stopped (default 30 s). */
  stopSeconds?: number;
  /** running → status checks ok (default 120 s). */
  statusCheckSeconds?: number;
}

/**
 * Creates an instance outside any Auto Scaling group. A running one is warm: status checks ok
 * and a public address already. Instances that are processes start theirs now.
 */
export function createStandalone(fleet: Fleet, options: StandaloneOptions): VirtualInstance {
  const now = fleet.clock.now();
  const running = options.state === "running";
  const instance: VirtualInstance = {
    instanceId: fleet.ids.instance(),
    reservationId: fleet.ids.reservation(),
    groupName: "",
    availabilityZone: options.availabilityZone ?? `${fleet.ids.region}a`,
    privateIpAddress: fleet.ids.privateIp(),
    imageId: "ami-0123456789abcdef0",
    launchTemplate: { id: "", name: "", version: 0 },
    launchTime: launchTimeAt(now),
    tags: new Map(Object.entries(options.tags ?? {})),
    lifecycle: undefined,
    token: 0,
    registeredIn: new Set(),
    ...(running ? { bootedAt: now } : {}),
    standalone: {
      wanted: options.state,
      settlesAt: now,
      statusOkAt: now,
      ...(running ? { publicIp: fleet.ids.publicIp() } : {}),
      startMs: (options.startSeconds ?? 30) * 1000,
      stopMs: (options.stopSeconds ?? 30) * 1000,
      statusCheckMs: (options.statusCheckSeconds ?? 120) * 1000,
    },
  };
  fleet.instances.set(instance.instanceId, instance);
  if (running) fleet.driver.onLaunch(instance);
  return instance;
}

/** The standalone instance, or a setup error naming it: scenario controls only. */
export function standaloneInstance(fleet: Fleet, instanceId: string): VirtualInstance & { standalone: StandalonePower } {
  const instance = fleet.instances.get(instanceId);
  if (!instance?.standalone) throw new LocalCloudSetupError(`${instanceId} is not a standalone instance of this local cloud.`);
  return instance as VirtualInstance & { standalone: StandalonePower };
}

/** EC2 StartInstances, StopInstances and DescribeInstanceStatus for standalone instances. */
export function instancePowerOperations(fleet: Fleet): Operations {
  const now = () => fleet.clock.now();

  /** Every id must exist (else the whole call fails, as EC2 does) and be standalone. */
  function resolve(command: string, ids: readonly string[] | undefined): (VirtualInstance & { standalone: StandalonePower })[] {
    if (!ids || ids.length === 0) throw new CloudFault("MissingParameter", "The request must contain the parameter InstanceId");
    const missing = ids.filter((id) => !fleet.instances.has(id));
    if (missing.length > 0) {
      throw new CloudFault(
        "InvalidInstanceID.NotFound",
        `The instance ID${missing.length > 1 ? "s" : ""} '${missing.join("', '")}' do${missing.length > 1 ? "" : "es"} not exist`,
      );
    }
    return ids.map((id) => {
      const instance = fleet.instances.get(id)!;
      // AWS would let this through, and the group would then replace the instance as unhealthy;
      // gantry never does it, so the model refuses rather than half-model it.
      if (!instance.standalone) throw new LocalCloudUnsupportedError("ec2", command, `InstanceIds (${id} belongs to an Auto Scaling group)`);
      return instance as VirtualInstance & { standalone: StandalonePower };
    });
  }

  function change(instance: VirtualInstance, previous: InstanceStateName, current: InstanceStateName): InstanceStateChange {
    return {
      InstanceId: instance.instanceId,
      PreviousState: { Name: previous, Code: stateCode(previous) },
      CurrentState: { Name: current, Code: stateCode(current) },
    };
  }

  return {
    StartInstances(input: StartInstancesCommandInput): Result<StartInstancesCommandOutput> {
      onlyParameters("ec2", "StartInstances", input, ["InstanceIds"]);
      const instances = resolve("StartInstances", input.InstanceIds);
      const at = now();
      const states = instances.map((instance) => standaloneState(instance.standalone, at));
      // The whole call is refused if any instance cannot start: nothing changes.
      instances.forEach((instance, index) => {
        if (states[index] === "stopping") {
          throw new CloudFault("IncorrectInstanceState", `The instance '${instance.instanceId}' is not in a state from which it can be started.`);
        }
      });
      return {
        StartingInstances: instances.map((instance, index) => {
          const previous = states[index]!;
          if (previous !== "stopped") return change(instance, previous, previous);
          const power = instance.standalone;
          power.wanted = "running";
          power.settlesAt = at + power.startMs;
          power.statusOkAt = power.settlesAt + power.statusCheckMs;
          delete power.startFailure;
          if (power.failNextStart) {
            power.startFailure = power.failNextStart;
            delete power.failNextStart;
            delete power.publicIp;
          } else {
            power.publicIp = fleet.ids.publicIp();
            instance.launchTime = launchTimeAt(at);
            instance.bootedAt = at;
            delete instance.stateReason;
            fleet.driver.onLaunch(instance);
          }
          return change(instance, "stopped", "pending");
        }),
      };
    },

    StopInstances(input: StopInstancesCommandInput): Result<StopInstancesCommandOutput> {
      onlyParameters("ec2", "StopInstances", input, ["InstanceIds"]);
      const instances = resolve("StopInstances", input.InstanceIds);
      const at = now();
      const states = instances.map((instance) => standaloneState(instance.standalone, at));
      instances.forEach((instance, index) => {
        if (states[index] === "pending") {
          throw new CloudFault("IncorrectInstanceState", `The instance '${instance.instanceId}' is not in a state from which it can be stopped.`);
        }
      });
      return {
        StoppingInstances: instances.map((instance, index) => {
          const previous = states[index]!;
          if (previous !== "running") return change(instance, previous, previous);
          const power = instance.standalone;
          power.wanted = "stopped";
          power.settlesAt = at + power.stopMs;
          delete power.publicIp;
          instance.stateReason = { code: "Client.UserInitiatedShutdown", message: "Client.UserInitiatedShutdown: User initiated shutdown" };
          fleet.driver.onTerminate(instance);
          return change(instance, "running", "stopping");
        }),
      };
    },

    DescribeInstanceStatus(input: DescribeInstanceStatusCommandInput): Result<DescribeInstanceStatusCommandOutput> {
      onlyParameters("ec2", "DescribeInstanceStatus", input, ["InstanceIds", "IncludeAllInstances", "MaxResults", "NextToken"]);
      const ids = input.InstanceIds ?? [];
      if (ids.length > 0 && input.MaxResults !== undefined) {
        throw new CloudFault("InvalidParameterCombination", "The parameter instancesSet cannot be used with the parameter maxResults");
      }
      if (ids.length > STATUS_IDS_PER_CALL) {
        throw new CloudFault("InvalidParameterValue", `The maximum number of instance IDs is ${STATUS_IDS_PER_CALL}; ${ids.length} were given.`);
      }
      const limit = input.MaxResults ?? 1000;
      if (input.MaxResults !== undefined && (limit < 5 || limit > 1000)) {
        throw new CloudFault("InvalidParameterValue", `Value ( ${limit} ) for parameter maxResults is invalid. Expect a value between 5 and 1000.`);
      }
      const at = now();
      const candidates = ids.length > 0 ? resolve("DescribeInstanceStatus", ids) : [...fleet.instances.values()].filter(hasPower);
      // Without IncludeAllInstances EC2 lists running instances only.
      const listed = candidates
        .filter((instance) => input.IncludeAllInstances === true || standaloneState(instance.standalone, at) === "running")
        .sort(byKey((instance) => instance.instanceId));
      const result = page(listed, (instance) => instance.instanceId, limit, input.NextToken, "InvalidParameterValue");
      // The reachability check passes once its time is up and whatever runs inside answers (a
      // process instance: its app passes health checks; a virtual one: unless scripted unhealthy).
      const statuses = result.items.map((instance) => describeStatus(instance, at, fleet.driver.isHealthy(instance, at)));
      return { InstanceStatuses: statuses, NextToken: result.nextToken };
    },
  };
}

function hasPower(instance: VirtualInstance): instance is VirtualInstance & { standalone: StandalonePower } {
  return instance.standalone !== undefined;
}

/** Instance and system status: `initializing` after a start, `ok` once checks pass, `not-applicable` unless running. */
function describeStatus(instance: VirtualInstance & { standalone: StandalonePower }, at: number, answers: boolean): InstanceStatus {
  const state = standaloneState(instance.standalone, at);
  const status: SummaryStatus = state !== "running" ? "not-applicable" : at >= instance.standalone.statusOkAt && answers ? "ok" : "initializing";
  const detail: StatusType = status === "ok" ? "passed" : "initializing";
  const summary: InstanceStatusSummary =
    status === "not-applicable" ? { Status: status } : { Status: status, Details: [{ Name: "reachability", Status: detail }] };
  return {
    InstanceId: instance.instanceId,
    AvailabilityZone: instance.availabilityZone,
    InstanceState: { Name: state, Code: stateCode(state) },
    InstanceStatus: summary,
    SystemStatus: summary,
  };
}
