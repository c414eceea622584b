import { now } from "../aws/clock.js";
import { acquireLock, acquireLockIfFree } from "../aws/lock/deploy-lock.js";
import { recordRelease } from "../aws/releases/release-history.js";
import { LOCK_POLL_SECONDS, leaseSecondsFor } from "../core/lock/lease.js";
import type { LockHold } from "../wiring/deploy-state.js";
import { forwardStep } from "../wiring/step.js";

/**
 * "Take the deploy lock": one job per app/env at a time, the newest push first. Holding it, the
 * deploy gets its release number (v42) in the history. Otherwise it waits its turn, or ends as
 * superseded when a newer push is queued behind the running deploy.
 */
export const handler = forwardStep("take-deploy-lock", async (state): Promise<LockHold & { summary: string }> => {
  const { input } = state;
  if (!state.execution) throw new TypeError('This step needs $.execution from the "Name the execution" state.');
  const holder = state.execution.name;
  const at = now();
  const seq = input.trigger?.receivedAt ?? Date.parse(state.execution.startedAt);
  const leaseSeconds = leaseSecondsFor(input.strategy);
  if (input.mode === "cycle") {
    // A cycle is not a release: it gets no number in the history, and it never queues.
    const taken = await acquireLockIfFree({ app: input.app, env: input.env, holder, seq, now: at, leaseSeconds });
    const base = { holder, leaseSeconds, waitSeconds: 0 };
    if (taken.outcome === "skipped")
      return { ...base, outcome: "skipped", reason: taken.reason, summary: `cycle skipped: ${taken.reason} of ${input.app}/${input.env}; nothing changed` };
    return { ...base, outcome: "acquired", summary: `${input.app}/${input.env} locked for a cycle run` };
  }
  const release = input.release;
  if (!release) throw new TypeError("A deploy needs $.release; parseDeployInput should have refused this input.");
  const result = await acquireLock({ app: input.app, env: input.env, holder, seq, now: at, leaseSeconds });
  const base = { holder, leaseSeconds, waitSeconds: LOCK_POLL_SECONDS };
  if (result.outcome === "wait")
    return { ...base, outcome: "wait", heldBy: result.heldBy, summary: `waiting: ${result.heldBy} holds ${input.app}/${input.env}` };
  if (result.outcome === "superseded") return { ...base, outcome: "superseded", by: result.by, summary: `superseded by ${result.by}, a newer push` };
  const recorded = await recordRelease({
    app: input.app,
    env: input.env,
    releaseId: release.id,
    ...(release.ref ? { ref: release.ref } : {}),
    ...(release.imageId ? { imageId: release.imageId } : {}),
    trigger: input.trigger ?? { source: "unknown" },
    execution: holder,
    startedAt: new Date(at).toISOString(),
  });
  return { ...base, outcome: "acquired", label: recorded.label, summary: `${input.app}/${input.env} locked; this deploy is ${recorded.label} (${release.id})` };
});
