import type {
  Activity,
  DetachInstancesCommandInput,
  DetachInstancesCommandOutput,
  EnterStandbyCommandInput,
  EnterStandbyCommandOutput,
  ExitStandbyCommandInput,
  ExitStandbyCommandOutput,
  TerminateInstanceInAutoScalingGroupCommandInput,
  TerminateInstanceInAutoScalingGroupCommandOutput,
} from "@aws-sdk/client-auto-scaling";
import { validationError } from "./errors.js";
import type { Fleet } from "./fleet.js";
import { isCounted, type GroupRecord, type Lifecycle, type VirtualInstance } from "./model.js";
import { isoSeconds, onlyParameters, type Operations, type Result } from "./operations.js";

/** EnterStandby, ExitStandby and DetachInstances take at most 20 instance ids per call. */
const MAX_IDS_PER_CALL = 20;

/** Moving instances in and out of service: standby, exit standby, detach, terminate. */
export function standbyOperations(fleet: Fleet): Operations {
  const activity = (group: GroupRecord, description: string, cause: string): Activity => ({
    ActivityId: fleet.ids.uuid(),
    AutoScalingGroupName: group.name,
    Description: description,
    Cause: `At ${isoSeconds(fleet.clock.now())} ${cause}.`,
    StartTime: new Date(fleet.clock.now()),
    StatusCode: "InProgress",
    Progress: 50,
  });

  return {
    EnterStandby(input: EnterStandbyCommandInput): Result<EnterStandbyCommandOutput> {
      onlyParameters("autoscaling", "EnterStandby", input, ["AutoScalingGroupName", "InstanceIds", "ShouldDecrementDesiredCapacity"]);
      const group = fleet.group(input.AutoScalingGroupName);
      const instances = members(fleet, group, input.InstanceIds, ["InService"]);
      const before = group.desiredCapacity;
      const after = input.ShouldDecrementDesiredCapacity ? before - instances.length : before;
      if (after < group.minSize) {
        throw validationError(
          `AutoScalingGroup ${group.name} has min-size=${group.minSize}, max-size=${group.maxSize}, and desired-size=${before}. ` +
            `Moving ${instances.length} instance(s) to standby with ShouldDecrementDesiredCapacity would bring desired capacity below the minimum.`,
        );
      }
      group.desiredCapacity = after;
      const now = fleet.clock.now();
      const change = after === before ? "" : `, shrinking the capacity from ${before} to ${after}`;
      return {
        Activities: instances.map((instance) => {
          fleet.enterStandby(instance, now);
          return activity(
            group,
            `Moving EC2 instance to Standby: ${instance.instanceId}`,
            `instance ${instance.instanceId} was moved to standby in response to a user request${change}`,
          );
        }),
      };
    },

    ExitStandby(input: ExitStandbyCommandInput): Result<ExitStandbyCommandOutput> {
      onlyParameters("autoscaling", "ExitStandby", input, ["AutoScalingGroupName", "InstanceIds"]);
      const group = fleet.group(input.AutoScalingGroupName);
      const instances = members(fleet, group, input.InstanceIds, ["Standby"]);
      const before = group.desiredCapacity;
      const after = before + instances.length;
      if (after > group.maxSize) {
        throw validationError(
          `AutoScalingGroup ${group.name} has min-size=${group.minSize}, max-size=${group.maxSize}, and desired-size=${before}. ` +
            `Moving ${instances.length} instance(s) out of standby would bring desired capacity above the maximum.`,
        );
      }
      group.desiredCapacity = after;
      const now = fleet.clock.now();
      return {
        Activities: instances.map((instance) => {
          fleet.exitStandby(instance, now);
          return activity(
            group,
            `Moving EC2 instance out of Standby: ${instance.instanceId}`,
            `instance ${instance.instanceId} was moved out of standby in response to a user request, ` + `increasing the capacity from ${before} to ${after}`,
          );
        }),
      };
    },

    DetachInstances(input: DetachInstancesCommandInput): Result<DetachInstancesCommandOutput> {
      onlyParameters("autoscaling", "DetachInstances", input, ["AutoScalingGroupName", "InstanceIds", "ShouldDecrementDesiredCapacity"]);
      if (input.ShouldDecrementDesiredCapacity === undefined) {
        throw validationError(
          "1 validation error detected: Value null at 'shouldDecrementDesiredCapacity' failed to satisfy constraint: Member must not be null",
        );
      }
      const group = fleet.group(input.AutoScalingGroupName);
      const instances = members(fleet, group, input.InstanceIds, ["InService", "Standby"]);
      // Only counted instances are part of desired capacity, so only they can decrement it.
      const counted = instances.filter((instance) => isCounted(instance.lifecycle)).length;
      const before = group.desiredCapacity;
      const after = input.ShouldDecrementDesiredCapacity ? before - counted : before;
      if (after < group.minSize) {
        throw validationError(
          `AutoScalingGroup ${group.name} has min-size=${group.minSize}, max-size=${group.maxSize}, and desired-size=${before}. ` +
            `Detaching ${counted} instance(s) with ShouldDecrementDesiredCapacity would bring desired capacity below the minimum; lower the minimum size first.`,
        );
      }
      group.desiredCapacity = after;
      const now = fleet.clock.now();
      const change = after === before ? "" : `, shrinking the capacity from ${before} to ${after}`;
      return {
        Activities: instances.map((instance) => {
          fleet.detach(instance, now);
          return activity(
            group,
            `Detaching EC2 instance: ${instance.instanceId}`,
            `instance ${instance.instanceId} was detached in response to a user request${change}`,
          );
        }),
      };
    },

    TerminateInstanceInAutoScalingGroup(input: TerminateInstanceInAutoScalingGroupCommandInput): Result<TerminateInstanceInAutoScalingGroupCommandOutput> {
      onlyParameters("autoscaling", "TerminateInstanceInAutoScalingGroup", input, ["InstanceId", "ShouldDecrementDesiredCapacity"]);
      const instance = fleet.instances.get(input.InstanceId ?? "");
      if (!instance || instance.lifecycle === undefined) {
        throw validationError(`Instance Id not found - No managed instance found for instance ID: ${input.InstanceId ?? "null"}`);
      }
      if (instance.lifecycle === "EnteringStandby" || instance.lifecycle === "Terminating" || instance.lifecycle === "Detaching") {
        throw validationError(`The instance ${instance.instanceId} is in ${instance.lifecycle} and cannot be terminated until that finishes.`);
      }
      const group = fleet.group(instance.groupName);
      // Standby instances are not counted, so terminating one leaves desired capacity alone
      // whatever the flag says (a modelling assumption, see SPEC.md).
      const decrement = input.ShouldDecrementDesiredCapacity === true && isCounted(instance.lifecycle);
      if (decrement && group.desiredCapacity - 1 < group.minSize) {
        throw validationError(
          `Currently, desiredSize equals minSize (${group.minSize}). Terminating instance without replacement will violate group's min size constraint. ` +
            `Either set shouldDecrementDesiredCapacity flag to false or lower group's min size.`,
        );
      }
      const before = group.desiredCapacity;
      if (decrement) group.desiredCapacity--;
      const change = decrement ? `, shrinking the capacity from ${before} to ${group.desiredCapacity}` : "";
      const cause = `instance ${instance.instanceId} was taken out of service in response to a user request${change}`;
      fleet.terminate(instance, fleet.clock.now(), cause);
      return { Activity: activity(group, `Terminating EC2 instance: ${instance.instanceId}`, cause) };
    },
  };
}

/** The group's instances named in a standby or detach call, each in one of the `allowed` states, 1 to 20 of them. */
function members(fleet: Fleet, group: GroupRecord, ids: string[] | undefined, allowed: readonly Lifecycle[]): VirtualInstance[] {
  const unique = [...new Set(ids ?? [])];
  if (unique.length < 1 || unique.length > MAX_IDS_PER_CALL) {
    throw validationError(
      `1 validation error detected: Value '[${unique.join(", ")}]' at 'instanceIds' failed to satisfy constraint: ` +
        `Member must have length between 1 and ${MAX_IDS_PER_CALL} (got ${unique.length}).`,
    );
  }
  return unique.map((id) => {
    const instance = fleet.instances.get(id);
    if (!instance || instance.groupName !== group.name || instance.lifecycle === undefined) {
      throw validationError(`The instance ${id} is not part of Auto Scaling group ${group.name}.`);
    }
    if (!allowed.includes(instance.lifecycle)) throw validationError(`The instance ${id} is not in ${allowed.join(" or ")}.`);
    return instance;
  });
}
