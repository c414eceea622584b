import { AwsThrottledError, AwsTransientError, GantryError } from "../core/errors.js";

/** AWS error codes that mean "slow down" or "busy": safe to retry after a backoff. */
const THROTTLING = new Set([
  "Throttling",
  "ThrottlingException",
  "RequestLimitExceeded",
  "TooManyRequestsException",
  "RequestThrottled",
  "ResourceContention",
  "ResourceContentionFault",
  "ScalingActivityInProgress",
  "ScalingActivityInProgressFault",
  "ProvisionedThroughputExceededException",
]);

const TRANSIENT = new Set(["TimeoutError", "RequestTimeout", "RequestTimeoutException", "ServiceUnavailable", "InternalFailure", "ECONNRESET", "ETIMEDOUT"]);

/**
 * Gives AWS errors the names the state machine retries on; anything else passes through
 * unchanged (its own name reaches the Catch, which rolls back).
 */
export function classifyAwsError(error: unknown): unknown {
  if (error instanceof GantryError || !(error instanceof Error)) return error;
  const fault = (error as { $fault?: string }).$fault;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  const code = (error as { code?: string }).code;
  if (THROTTLING.has(error.name)) {
    return new AwsThrottledError(`AWS throttled the call (${error.name}: ${error.message}); the step will be retried.`, { cause: error });
  }
  if (TRANSIENT.has(error.name) || (code && TRANSIENT.has(code)) || fault === "server" || (status !== undefined && status >= 500)) {
    return new AwsTransientError(`AWS call failed transiently (${error.name}: ${error.message}); the step will be retried.`, { cause: error });
  }
  return error;
}
