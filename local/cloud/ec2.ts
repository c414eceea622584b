import type {
  CreateTagsCommandInput,
  CreateTagsCommandOutput,
  CreateLaunchTemplateVersionCommandInput,
  CreateLaunchTemplateVersionCommandOutput,
  DescribeInstancesCommandInput,
  DescribeInstancesCommandOutput,
  DescribeLaunchTemplateVersionsCommandInput,
  TerminateInstancesCommandInput,
  TerminateInstancesCommandOutput,
  DescribeLaunchTemplateVersionsCommandOutput,
  Filter,
  Instance,
  InstanceStateName,
  LaunchTemplateVersion,
} from "@aws-sdk/client-ec2";
import { CloudFault, LocalCloudUnsupportedError } from "./errors.js";
import type { Fleet } from "./fleet.js";
import type { LaunchTemplateRecord, LaunchTemplateVersionRecord, VirtualInstance } from "./model.js";
import { standaloneState, stateCode } from "./instances-power.js";
import { byKey, onlyParameters, page, type Operations, type Result } from "./operations.js";

/**
 * EC2 state as the model sees it: a group's instance is pending until first InService and
 * terminated once it left; a standalone instance follows its start/stop (instances-power.ts).
 */
export function ec2State(instance: VirtualInstance, now = 0): InstanceStateName {
  if (instance.standalone) return standaloneState(instance.standalone, now);
  if (instance.detachedAt !== undefined) return instance.terminatedAt === undefined ? "running" : "terminated";
  if (instance.lifecycle === undefined) return "terminated";
  return instance.bootedAt === undefined ? "pending" : "running";
}

/** TerminateInstances: "Up to 1000 instance IDs" (EC2 API reference). */
const MAX_TERMINATE_IDS = 1000;

/** EC2 tag limits: 50 user tags a resource, keys 1–128 characters, values up to 256 (Tag restrictions, EC2 User Guide). */
const MAX_TAGS = 50;
const MAX_KEY = 128;
const MAX_VALUE = 256;

/** EC2's InvalidInstanceID.NotFound for the ids it does not know, one or several. */
function notFound(missing: string[]): CloudFault {
  const quoted = missing.map((id) => `'${id}'`).join(", ");
  return new CloudFault(
    "InvalidInstanceID.NotFound",
    missing.length > 1 ? `The instance IDs ${quoted} do not exist` : `The instance ID ${quoted} does not exist`,
  );
}

/** The EC2 operations gantry calls. */
export function ec2Operations(fleet: Fleet): Operations {
  return {
    DescribeInstances(input: DescribeInstancesCommandInput): Result<DescribeInstancesCommandOutput> {
      onlyParameters("ec2", "DescribeInstances", input, ["InstanceIds", "Filters", "MaxResults", "NextToken"]);
      const ids = input.InstanceIds ?? [];
      if (ids.length > 0 && input.MaxResults !== undefined) {
        throw new CloudFault("InvalidParameterCombination", "The parameter instancesSet cannot be used with the parameter maxResults");
      }
      const limit = input.MaxResults ?? Number.MAX_SAFE_INTEGER;
      if (input.MaxResults !== undefined && (limit < 5 || limit > 1000)) {
        throw new CloudFault("InvalidParameterValue", `Value ( ${limit} ) for parameter maxResults is invalid. Expect a value between 5 and 1000.`);
      }
      const missing = ids.filter((id) => !fleet.instances.has(id));
      if (missing.length > 0) throw notFound(missing);
      const now = fleet.clock.now();
      const matches = (input.Filters ?? []).map((filter) => filterPredicate(filter, now));
      const candidates = ids.length > 0 ? ids.map((id) => fleet.instances.get(id)!) : (filteredById(fleet, input.Filters) ?? [...fleet.instances.values()]);
      const selected = candidates.filter((instance) => matches.every((match) => match(instance))).sort(byKey((i) => i.instanceId));
      const result = page(selected, (i) => i.instanceId, limit, input.NextToken, "InvalidParameterValue");
      return {
        Reservations: result.items.map((instance) => ({
          ReservationId: instance.reservationId,
          OwnerId: fleet.ids.accountId,
          Instances: [describeInstance(instance, now)],
        })),
        NextToken: result.nextToken,
      };
    },

    TerminateInstances(input: TerminateInstancesCommandInput): Result<TerminateInstancesCommandOutput> {
      onlyParameters("ec2", "TerminateInstances", input, ["InstanceIds"]);
      const ids = [...new Set(input.InstanceIds ?? [])];
      if (ids.length === 0) throw new CloudFault("MissingParameter", "The request must contain the parameter InstanceId");
      if (ids.length > MAX_TERMINATE_IDS) {
        throw new CloudFault(
          "InvalidParameterValue",
          `Value (${ids.length}) for parameter instanceIds is invalid. Up to ${MAX_TERMINATE_IDS} instance IDs are allowed.`,
        );
      }
      // EC2 validates every id before it acts: one unknown id and nothing is terminated.
      const missing = ids.filter((id) => !fleet.instances.has(id));
      if (missing.length > 0) throw notFound(missing);
      const instances = ids.map((id) => fleet.instances.get(id)!);
      // Terminating a group's instance behind its back, or a scheduled standalone one, is something
      // gantry never does; the model refuses rather than guess what the group would make of it.
      const held = instances.find((instance) => instance.standalone !== undefined || (instance.detachedAt === undefined && instance.lifecycle !== undefined));
      if (held)
        throw new LocalCloudUnsupportedError(
          "ec2",
          "TerminateInstances",
          `InstanceIds[${held.instanceId}] (an instance still in a group, or a standalone one)`,
        );
      const now = fleet.clock.now();
      return {
        TerminatingInstances: instances.map((instance) => {
          const previous = ec2State(instance, now);
          if (previous !== "terminated") fleet.terminateDetached(instance, now);
          const current = previous === "terminated" ? "terminated" : "shutting-down";
          return {
            InstanceId: instance.instanceId,
            PreviousState: { Code: stateCode(previous), Name: previous },
            CurrentState: { Code: stateCode(current), Name: current },
          };
        }),
      };
    },

    /**
     * Adds or overwrites tags on instances (the only resources modelled); every id and tag is
     * checked before any changes, as EC2 does. A missing Value is the empty string.
     */
    CreateTags(input: CreateTagsCommandInput): Result<CreateTagsCommandOutput> {
      onlyParameters("ec2", "CreateTags", input, ["Resources", "Tags"]);
      const ids = input.Resources ?? [];
      if (ids.length === 0) throw new CloudFault("MissingParameter", "The request must contain the parameter resourceIdSet");
      const other = ids.find((id) => !id.startsWith("i-"));
      if (other !== undefined) throw new LocalCloudUnsupportedError("ec2", "CreateTags", `Resources[${other}] (only instances are modelled)`);
      const missing = ids.filter((id) => !fleet.instances.has(id));
      if (missing.length > 0) throw notFound(missing);
      const tags = input.Tags ?? [];
      if (tags.length === 0) throw new CloudFault("MissingParameter", "The request must contain the parameter tagSet");
      for (const tag of tags) {
        const key = tag.Key ?? "";
        if (key.length === 0 || key.length > MAX_KEY) throw new CloudFault("InvalidParameterValue", `Tag key must be 1 to ${MAX_KEY} characters, got '${key}'`);
        if (key.toLowerCase().startsWith("aws:")) throw new CloudFault("InvalidParameterValue", "Tag keys starting with 'aws:' are reserved for internal use");
        if ((tag.Value ?? "").length > MAX_VALUE)
          throw new CloudFault("InvalidParameterValue", `Tag value for key '${key}' must be at most ${MAX_VALUE} characters`);
      }
      const instances = ids.map((id) => fleet.instances.get(id)!);
      for (const instance of instances) {
        const keys = new Set([...instance.tags.keys(), ...tags.map((tag) => tag.Key!)].filter((key) => !key.startsWith("aws:")));
        if (keys.size > MAX_TAGS) throw new CloudFault("TagLimitExceeded", `The maximum number of Tags for a resource has been reached.`);
      }
      for (const instance of instances) for (const tag of tags) instance.tags.set(tag.Key!, tag.Value ?? "");
      return {};
    },

    CreateLaunchTemplateVersion(input: CreateLaunchTemplateVersionCommandInput): Result<CreateLaunchTemplateVersionCommandOutput> {
      onlyParameters("ec2", "CreateLaunchTemplateVersion", input, [
        "LaunchTemplateId",
        "LaunchTemplateName",
        "SourceVersion",
        "VersionDescription",
        "LaunchTemplateData",
      ]);
      onlyParameters("ec2", "CreateLaunchTemplateVersion", input.LaunchTemplateData ?? {}, ["ImageId"]);
      const template = fleet.launchTemplates.find(input);
      const version = fleet.launchTemplates.addVersion(
        template,
        input.SourceVersion,
        input.LaunchTemplateData?.ImageId,
        input.VersionDescription,
        fleet.clock.now(),
      );
      return { LaunchTemplateVersion: describeVersion(template, version) };
    },

    DescribeLaunchTemplateVersions(input: DescribeLaunchTemplateVersionsCommandInput): Result<DescribeLaunchTemplateVersionsCommandOutput> {
      onlyParameters("ec2", "DescribeLaunchTemplateVersions", input, ["LaunchTemplateId", "LaunchTemplateName", "Versions"]);
      const template = fleet.launchTemplates.find(input);
      const versions =
        input.Versions === undefined || input.Versions.length === 0
          ? [...template.versions.values()]
          : input.Versions.map((v) => fleet.launchTemplates.version(template, v));
      return { LaunchTemplateVersions: versions.map((v) => describeVersion(template, v)) };
    },
  };
}

/** The instances an exact `instance-id` filter names (the other filters still apply), else undefined. */
function filteredById(fleet: Fleet, filters: Filter[] | undefined): VirtualInstance[] | undefined {
  const byId = filters?.find((filter) => filter.Name === "instance-id" && (filter.Values ?? []).every((value) => !/[*?]/.test(value)));
  if (!byId) return undefined;
  return [...new Set(byId.Values ?? [])].flatMap((id) => {
    const instance = fleet.instances.get(id);
    return instance ? [instance] : [];
  });
}

/**
 * The filters gantry uses: tag:<key>, instance-state-name and instance-id. Values in one filter
 * are alternatives, filters all apply, and `*` / `?` are wildcards, as in EC2.
 */
function filterPredicate(filter: Filter, now: number): (instance: VirtualInstance) => boolean {
  const values = filter.Values ?? [];
  // Exact values (no wildcard) are looked up, so a 1,000-id filter costs one lookup per instance.
  const exact = values.every((value) => !/[*?]/.test(value)) ? new Set(values) : undefined;
  const patterns = exact ? [] : values.map(wildcard);
  const any = (value: string | undefined) => value !== undefined && (exact ? exact.has(value) : patterns.some((p) => p.test(value)));
  const name = filter.Name ?? "";
  if (name.startsWith("tag:")) return (instance) => any(instance.tags.get(name.slice(4)));
  if (name === "instance-state-name") return (instance) => any(ec2State(instance, now));
  if (name === "instance-id") return (instance) => any(instance.instanceId);
  throw new LocalCloudUnsupportedError("ec2", "DescribeInstances", `Filters[${name}]`);
}

function wildcard(value: string): RegExp {
  const escaped = value
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${escaped}$`);
}

function describeInstance(instance: VirtualInstance, now: number): Instance {
  const state = ec2State(instance, now);
  const power = instance.standalone;
  const stateReason = power?.startFailure && state === "stopped" ? power.startFailure : instance.stateReason;
  return {
    InstanceId: instance.instanceId,
    ImageId: instance.imageId,
    InstanceType: "t3.micro",
    State: { Code: stateCode(state), Name: state },
    Tags: [...instance.tags].map(([Key, Value]) => ({ Key, Value })),
    PrivateIpAddress: state === "terminated" ? undefined : instance.privateIpAddress,
    ...(power?.publicIp && (state === "pending" || state === "running") ? { PublicIpAddress: power.publicIp } : {}),
    LaunchTime: new Date(instance.launchTime),
    Placement: { AvailabilityZone: instance.availabilityZone },
    StateTransitionReason: instance.terminatedAt === undefined ? "" : `User initiated (${gmt(instance.terminatedAt)})`,
    ...(stateReason && state !== "running" && state !== "pending" ? { StateReason: { Code: stateReason.code, Message: stateReason.message } } : {}),
  };
}

/** EC2's "2026-01-05 09:00:00 GMT" style. */
function gmt(epochMs: number): string {
  return `${new Date(epochMs).toISOString().slice(0, 19).replace("T", " ")} GMT`;
}

function describeVersion(template: LaunchTemplateRecord, version: LaunchTemplateVersionRecord): LaunchTemplateVersion {
  return {
    LaunchTemplateId: template.id,
    LaunchTemplateName: template.name,
    VersionNumber: version.number,
    VersionDescription: version.description,
    CreateTime: new Date(version.createdAt),
    DefaultVersion: version.number === template.defaultVersion,
    LaunchTemplateData: { ImageId: version.imageId },
  };
}
