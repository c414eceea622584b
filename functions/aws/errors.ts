import { isServerError, isThrottlingError, isTransientError } from "@smithy/service-error-classification";
import { AwsThrottledError, AwsTransientError, GantryError } from "../core/errors.js";

/**
 * Auto Scaling's "busy" faults, which the SDK's classification does not count as throttling: a
 * pending update or a running scaling activity clears on its own, so the step retries after a
 * backoff instead of rolling back.
 */
const AUTO_SCALING_BUSY = new Set(["ResourceContention", "ResourceContentionFault", "ScalingActivityInProgress", "ScalingActivityInProgressFault"]);

type SdkError = Parameters<typeof isThrottlingError>[0];

/**
 * Gives AWS errors the names the state machine retries on; anything else passes through
 * unchanged (its own name reaches the Catch, which rolls back). The SDK's own classification
 * decides what is throttling and what is transient, so codes such as EC2ThrottledException are
 * known without a list kept here.
 */
export function classifyAwsError(error: unknown): unknown {
  if (error instanceof GantryError || !(error instanceof Error)) return error;
  const sdkError = error as SdkError;
  if (AUTO_SCALING_BUSY.has(error.name) || isThrottlingError(sdkError)) {
    return new AwsThrottledError(`AWS throttled the call (${error.name}: ${error.message}); the step will be retried.`, { cause: error });
  }
  const fault = (error as { $fault?: string }).$fault;
  if (isTransientError(sdkError) || isServerError(sdkError) || fault === "server") {
    return new AwsTransientError(`AWS call failed transiently (${error.name}: ${error.message}); the step will be retried.`, { cause: error });
  }
  return error;
}
