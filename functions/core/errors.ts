/**
 * Every error a gantry step can throw, by name. Step Functions `Retry` and `Catch` match on
 * these names (the Lambda runtime reports `error.name` as the error type), so the deploy
 * definition may only list names exported here; a test checks both directions.
 */

export abstract class GantryError extends Error {
  /** True when a retry of the same step may succeed (throttling, eventual consistency). */
  readonly transient: boolean = false;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The execution input does not match the schema; nothing was changed. */
export class InvalidDeployInputError extends GantryError {}

/** The gantry configuration file is missing, cannot load, or has wrong values; nothing ran. */
export class InvalidConfigError extends GantryError {}

/** The Auto Scaling group named in the input does not exist in this account and region. */
export class GroupNotFoundError extends GantryError {}

/** A target group named in the input does not exist. */
export class TargetGroupNotFoundError extends GantryError {}

/** A target group named in the input is not attached to the Auto Scaling group. */
export class TargetGroupNotAttachedError extends GantryError {}

/** Too few instances are healthy to start a deploy without dropping below the capacity floor. */
export class UnhealthyFleetError extends GantryError {}

/** The group's MaxSize leaves no room to surge the largest batch. */
export class MaxSizeTooSmallError extends GantryError {}

/** The group shows another rollout in progress (instances in Standby, or a different release mid-flight). */
export class RolloutInProgressError extends GantryError {}

/**
 * A recovery run cannot take the app/env's lock: another execution, alive, holds it. The state
 * retries a few times (a push that found the unfinished rollout ends quickly), then gives up.
 */
export class RecoveryBlockedError extends GantryError {}

/** A person rejected the deploy at an approval checkpoint (`gantry reject`): it rolls back. */
export class ApprovalRejectedError extends GantryError {}

/** No answer came at an approval checkpoint within `strategy.approvalTimeout`: the deploy rolls back. */
export class ApprovalTimeoutError extends GantryError {}

/** New instances did not reach InService before `launchTimeoutSeconds`. */
export class LaunchTimeoutError extends GantryError {}

/** A new instance was reported unhealthy by a target group. */
export class HealthGateFailedError extends GantryError {}

/** New instances did not become healthy before `healthTimeoutSeconds`. */
export class HealthGateTimeoutError extends GantryError {}

/** The app's own `/health` or `/version` check failed on a new instance. */
export class HttpGateFailedError extends GantryError {}

/** A CloudWatch alarm named in the gates is in ALARM. */
export class AlarmGateFailedError extends GantryError {}

/** Old instances did not finish draining into Standby (or terminating) in time. */
export class RetireTimeoutError extends GantryError {}

/** The rollback could not bring the group back to its starting state in time. */
export class RollbackTimeoutError extends GantryError {}

/**
 * A rollback reached its end but the group, read afresh, still holds instances the deploy
 * launched or instances in Standby: it is not as it started, so it must not be reported restored.
 */
export class RollbackIncompleteError extends GantryError {}

/** AWS throttled a call or reported a conflicting update; the step is safe to retry. */
export class AwsThrottledError extends GantryError {
  override readonly transient = true;
}

/** A transient AWS-side failure (5xx, timeout, eventual consistency); the step is safe to retry. */
export class AwsTransientError extends GantryError {
  override readonly transient = true;
}

/** No release with that label or number is recorded for the app and environment. */
export class ReleaseNotFoundError extends GantryError {}

/** A release already ended with another status; the first final status stands. */
export class ReleaseAlreadyFinishedError extends GantryError {}

/**
 * A conditional write to the gantry table lost to other writers more often than a call allows.
 * Every loss means someone else made progress, so a retry of the step is safe.
 */
export class ContendedWriteError extends GantryError {
  override readonly transient = true;
}

/** A setting the webhook needs is missing (where its secret is, which state machine to start). */
export class WebhookNotConfiguredError extends GantryError {}

/** The webhook secret could not be read from SSM Parameter Store (missing, empty, or not readable). */
export class WebhookSecretUnavailableError extends GantryError {}

/** Step Functions refused to start the deploy execution for a reason other than throttling or an outage. */
export class DeployStartRejectedError extends GantryError {}

/** A schedule was asked about a time window that is not one (end before start, or not a date). */
export class InvalidScheduleWindowError extends GantryError {}

/** The CLI found no gantry stack by that name in that account and region. */
export class StackNotFoundError extends GantryError {}

/** The gantry stack lacks an output the CLI needs (an older or unfinished stack). */
export class StackOutputMissingError extends GantryError {}

/** The power execution input does not match its schema (schedule, action, optional at); nothing was changed. */
export class InvalidPowerInputError extends GantryError {}

/** The power execution names a schedule the configuration does not have. */
export class ScheduleNotFoundError extends GantryError {}

/** A cycle run found no `gantry:release` tag on the group: it cannot tell which release to keep. */
export class NoReleaseToCycleError extends GantryError {}

/**
 * The group launches from `$Latest` or `$Default` of its launch template: a new latest or default
 * version changes what it launches without AWS checking anyone's launch rights, and a rollback
 * could not point it back at what it ran before.
 */
export class LaunchTemplateNotPinnedError extends GantryError {}

/**
 * An `imageId` deploy of a group whose launch template version takes its AMI from an SSM
 * parameter: its rollback would need ssm:GetParameters, which gantry's roles are not given.
 */
export class LaunchTemplateImageParameterError extends GantryError {}

/**
 * Finish rollout detached retired instances but EC2 did not terminate them: they run outside the
 * group, where no retry of the step can see them, so a person must terminate them.
 */
export class DetachedNotTerminatedError extends GantryError {}

/** A Lambda environment variable has a value gantry cannot use; the function refuses to start. */
export class InvalidEnvironmentError extends GantryError {}

/** The chat endpoint lacks a setting it needs (its signing secret's parameter, its own function name). */
export class ChatNotConfiguredError extends GantryError {}

/** The Slack signing secret could not be read from SSM; chat requests cannot be checked. */
export class SlackSigningSecretUnavailableError extends GantryError {}
/** A release id is not the first 12 lowercase hex characters of a commit, or a ref does not resolve to one commit. */
export class InvalidReleaseIdError extends GantryError {}

/**
 * The release store holds no complete release (slug and manifest) under that id: nothing built
 * and uploaded it, so instances could not boot it. The deploy is refused before any change.
 */
export class ReleaseNotBuiltError extends GantryError {}

/** A release with that id already exists with other content: a release never changes once written. */
export class ReleaseConflictError extends GantryError {}

/** No release bucket is configured (`GANTRY_RELEASE_BUCKET`, the stack output `ReleaseBucketName`). */
export class ReleaseStoreNotConfiguredError extends GantryError {}

/** The release bucket refused a read or write (missing bucket, no permission); the release or pointer was not changed. */
export class ReleaseStoreUnavailableError extends GantryError {}

/** A stored release does not match its manifest (checksum or size), or its manifest is not one gantry wrote. */
export class ReleaseCorruptError extends GantryError {}

/** The app/env's environment could not be read from SSM Parameter Store. */
export class AppEnvironmentUnreadableError extends GantryError {}

/** A name that cannot be an environment variable of an app (or that the bootstrap sets itself). */
export class InvalidVariableNameError extends GantryError {}

/** A `gantry config set` or `unset` that cannot be applied as given (no KEY=VALUE, an empty value, a variable not set); nothing was written. */
export class InvalidConfigChangeError extends GantryError {}

/**
 * Writing the app/env's environment to SSM stopped partway: the message names the variables
 * written and those not, and no release was made of it.
 */
export class ConfigWriteIncompleteError extends GantryError {}

/** A configuration release needs a release running (`current`) to take the slug from, and there is none. */
export class NoCurrentReleaseError extends GantryError {}

/** A deploy window whose holidays and freezes close every work day for longer than gantry looks ahead. */
export class DeployWindowNeverOpensError extends GantryError {}

/** An in-place deploy cannot run on this group as it is (mixed releases, no release to go back to, a batch too large for the floor). */
export class InPlaceNotPossibleError extends GantryError {}

/** The release's deploy command failed on an instance, or could not reach it (Run Command). */
export class DeployCommandFailedError extends GantryError {}

/** A person asked the run to stop (`gantry abort`): it rolls back, and the cause says who asked and why. */
export class DeployAbortedError extends GantryError {}

/** The rollout ran past its deadline (12 h from its plan): gantry rolls it back rather than let it run on. */
export class RolloutDeadlineError extends GantryError {}

/** All error names above, in one list for the definition checks. */
const ERROR_CLASSES = [
  InvalidDeployInputError,
  InvalidConfigError,
  GroupNotFoundError,
  TargetGroupNotFoundError,
  TargetGroupNotAttachedError,
  UnhealthyFleetError,
  MaxSizeTooSmallError,
  RolloutInProgressError,
  LaunchTimeoutError,
  HealthGateFailedError,
  HealthGateTimeoutError,
  HttpGateFailedError,
  AlarmGateFailedError,
  RetireTimeoutError,
  RollbackTimeoutError,
  RollbackIncompleteError,
  AwsThrottledError,
  AwsTransientError,
  ReleaseNotFoundError,
  ReleaseAlreadyFinishedError,
  ContendedWriteError,
  WebhookNotConfiguredError,
  WebhookSecretUnavailableError,
  DeployStartRejectedError,
  InvalidScheduleWindowError,
  StackNotFoundError,
  StackOutputMissingError,
  InvalidPowerInputError,
  ScheduleNotFoundError,
  NoReleaseToCycleError,
  LaunchTemplateNotPinnedError,
  LaunchTemplateImageParameterError,
  InvalidEnvironmentError,
  DetachedNotTerminatedError,
  ChatNotConfiguredError,
  SlackSigningSecretUnavailableError,
  InvalidReleaseIdError,
  ReleaseNotBuiltError,
  ReleaseConflictError,
  ReleaseStoreNotConfiguredError,
  ReleaseStoreUnavailableError,
  ReleaseCorruptError,
  AppEnvironmentUnreadableError,
  InvalidVariableNameError,
  InvalidConfigChangeError,
  ConfigWriteIncompleteError,
  NoCurrentReleaseError,
  DeployWindowNeverOpensError,
  InPlaceNotPossibleError,
  DeployCommandFailedError,
  DeployAbortedError,
  RolloutDeadlineError,
  RecoveryBlockedError,
  ApprovalRejectedError,
  ApprovalTimeoutError,
];

export const ERROR_NAMES = ERROR_CLASSES.map((errorClass) => errorClass.name);

/** The errors a retry of the same step may cure: every Task of a definition must retry these. */
export const TRANSIENT_ERROR_NAMES = ERROR_CLASSES.filter((errorClass) => new errorClass("probe").transient).map((errorClass) => errorClass.name);

/** Error names that end a deploy execution through a Fail state rather than a thrown error. */
export const FAIL_STATE_ERRORS = [
  "DeployRolledBack",
  "RollbackFailed",
  "DeployNotStarted",
  "FinishIncomplete",
  "CycleRolledBack",
  "DeployOutsideWindow",
  "DeployAborted",
] as const;

/**
 * Error names that end a power execution through a Fail state: some target failed (the cause
 * lists every target's outcome), or a step failed beyond its retries.
 */
export const POWER_FAIL_STATE_ERRORS = ["PowerTargetsFailed", "PowerFailed"] as const;
