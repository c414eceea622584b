import { readAlarmTransitions, readAlarms } from "../aws/rollout/alarms.js";
import { probeInstances } from "../aws/rollout/http-probe.js";
import { AlarmGateFailedError, HealthGateFailedError, HttpGateFailedError } from "../core/errors.js";
import type { FleetView, ObservedInstance } from "../core/fleet.js";
import { checkAppAndAlarms, checkTargets, type GateVerdict } from "../core/rollout/gate.js";
import type { DeployInput } from "../core/config/input.js";
import type { CaughtFailure } from "../core/rollout/rollback.js";

const FAILURES = { targets: HealthGateFailedError, http: HttpGateFailedError, alarms: AlarmGateFailedError } as const;

/**
 * Runs the gate on the new instances: target health of all of them, then (once every target
 * is healthy) the app's HTTP checks on this batch's instances; alarms every time, so an alarm
 * stops the rollout even while instances boot: their state now and their history since
 * `batchStartedAt`, so an alarm that fired and recovered between two gates is not missed.
 */
export async function runGate(
  input: DeployInput,
  view: FleetView,
  batchInstances: readonly ObservedInstance[],
  now: number,
  batchStartedAt: number,
): Promise<GateVerdict> {
  const targets = checkTargets(view, view.fresh, now);
  const names = input.gates.alarms;
  const [alarms, history] =
    names.length > 0
      ? await Promise.all([
          readAlarms(names),
          readAlarmTransitions(names, batchStartedAt, now).then(
            (transitions) => ({ transitions }),
            (error: unknown) => ({ error }),
          ),
        ])
      : [undefined, undefined];
  const http = targets.outcome === "pass" && input.gates.http ? await probeInstances(batchInstances, input.gates.http) : undefined;
  const transitions = history && "transitions" in history ? { since: batchStartedAt, transitions: history.transitions } : undefined;
  const verdict = checkAppAndAlarms(targets, view.release, http, alarms, transitions);
  // A gate never passes on an alarm history it could not read; one that fails anyway says why it failed.
  if (history && "error" in history && verdict.outcome !== "fail") throw history.error;
  return verdict;
}

/**
 * A failed gate as the state records it: the same `{ Error, Cause }` a Catch records, so the
 * rollback reads both alike, while the step output keeps the evidence that failed it.
 */
export function gateFailure(verdict: Extract<GateVerdict, { outcome: "fail" }>, where: string): CaughtFailure {
  return { Error: FAILURES[verdict.kind].name, Cause: `${where}: ${verdict.reason}` };
}
