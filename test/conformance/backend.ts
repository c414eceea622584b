import type { Clock } from "../../local/clock.js";
import type { DeployInputRaw, ExecutionInputRaw } from "../../functions/core/config/input.js";
import type { ExecutionRecord } from "../../functions/core/executions/execution-record.js";

/**
 * What a conformance scenario needs from the cloud it runs against. Each scenario is written
 * once against this and runs twice: on moto (an independent AWS emulator, reached only through
 * AWS_ENDPOINT_URL) and on the local cloud. Gantry's own handlers and definitions run unchanged
 * on both; only building the world, reading it back and breaking it differ.
 */
export interface Backend {
  readonly name: "moto" | "local cloud";
  /** An Auto Scaling group on `release` behind one target group, with an alarm gantry may gate on. */
  createFleet(spec: FleetSpec): Promise<Fleet>;
  /** The group as the cloud reports it now: read back through the SDK, never from gantry's memory. */
  finalState(fleet: Fleet): Promise<FinalState>;
  /** From now on, instances of `release` never become healthy in the target group. */
  breakRelease(fleet: Fleet, release: string): Breakage;
  /** The Run Command commands gantry sent for this fleet's app, oldest first, read back through ListCommands. */
  sentCommands(fleet: Fleet): Promise<SentCommand[]>;
  setAlarm(fleet: Fleet, state: "OK" | "ALARM"): Promise<void>;
  /** Runs the real deploy definition with the real handlers against this cloud. */
  runDeploy(fleet: Fleet, input: ExecutionInputRaw, options?: { onExited?: (state: string) => void }): Promise<ExecutionRecord>;
}

export interface FleetSpec {
  /** Unique per scenario, so scenarios sharing one cloud never meet: the app name. */
  app: string;
  instances: number;
  release?: string;
  /**
   * For a cycle with this maxAge: to the run's clock the starting instances are older than
   * it, and whatever the run launches is younger.
   */
  cycleMaxAgeSeconds?: number;
}

export interface Fleet {
  app: string;
  env: string;
  groupName: string;
  targetGroupArns: string[];
  launchTemplateId: string;
  alarmName: string;
  /** The AMI of launch template version 1 and one to deploy with `imageId`. */
  images: { v1: string; next: string };
  /** The clock deploys of this fleet run on. */
  clock: Clock;
  /** Timings that fit this cloud's boot and health-check speed, short enough for a test. */
  strategy: NonNullable<DeployInputRaw["strategy"]>;
  deployInput(release: string, overrides?: Partial<DeployInputRaw>): DeployInputRaw;
}

export interface Breakage {
  /** Stops breaking (moto: stops the watcher that stops instances). */
  end(): void;
}

export interface FinalState {
  desired: number;
  minSize: number;
  maxSize: number;
  /** `<release tag>:<lifecycle>` per instance in the group, sorted. */
  instances: string[];
  instanceIds: string[];
  /** `<instance id>:<target health state>` per target in the fleet's target groups, sorted. */
  targets: string[];
  suspended: string[];
  groupRelease: string | undefined;
  launchTemplateVersion: string | undefined;
  /** The image of the launch template version the group uses. */
  imageId: string | undefined;
  lockHolder: string | undefined;
  /** The newest release-history row of the app/env. */
  lastRelease: { releaseId: string; status: string } | undefined;
}

/** One Run Command command as ListCommands reports it. */
export interface SentCommand {
  documentName: string | undefined;
  /** The AWS-RunShellScript `commands` parameter: the shell lines run on each instance. */
  commands: string[];
  instanceIds: string[];
  comment: string | undefined;
}
