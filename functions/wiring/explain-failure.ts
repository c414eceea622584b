import { readFailureEvidence } from "../aws/rollout/failure-evidence.js";
import { HealthGateTimeoutError, LaunchTimeoutError } from "../core/errors.js";
import type { FleetView, ObservedInstance } from "../core/fleet.js";
import { explainFailure, suspects, type FailureEvidence } from "../core/rollout/failure-evidence.js";

/** Reads what AWS says about the batch's instances that do not serve, since the batch began. */
export async function batchFailureEvidence(view: FleetView, batch: readonly ObservedInstance[], since: number): Promise<FailureEvidence> {
  return readFailureEvidence(
    view.group.name,
    suspects(view, batch).map((instance) => instance.id),
    since,
  );
}

/** A sentence with the evidence appended, when there is any. */
export function withEvidence(message: string, evidence: FailureEvidence): string {
  const words = explainFailure(evidence);
  return words ? `${message.replace(/\.+$/, "")}. ${words}` : message;
}

/**
 * A batch that never reached InService or never became healthy fails with what AWS says about
 * it in the cause: the same error class (the definition's Retry and Catch match on it), its
 * message followed by the failed scaling activities and the console tail. Other errors pass.
 */
export async function explainBatchError(error: unknown, view: FleetView, batch: readonly ObservedInstance[], since: number): Promise<unknown> {
  if (!(error instanceof LaunchTimeoutError || error instanceof HealthGateTimeoutError)) return error;
  const evidence = await batchFailureEvidence(view, batch, since);
  const Failure = error instanceof LaunchTimeoutError ? LaunchTimeoutError : HealthGateTimeoutError;
  return new Failure(withEvidence(error.message, evidence), { cause: error });
}
