import { now } from "../aws/clock.js";
import { acquireLock } from "../aws/deploy-lock.js";
import { recordRelease } from "../aws/release-history.js";
import { LOCK_POLL_SECONDS, leaseSecondsFor } from "../core/lease.js";
import type { LockHold } from "../wiring/deploy-state.js";
import { deployStep } from "../wiring/step.js";

/**
 * "Take the deploy lock": one job per app/env at a time, the newest push first. Holding it, the
 * deploy gets its release number (v42) in the history. Otherwise it waits its turn, or ends as
 * superseded when a newer push is queued behind the running deploy.
 */
export const handler = deployStep("take-deploy-lock", async (state): Promise<LockHold & { summary: string }> => {
  const { input } = state;
  if (!state.execution) throw new TypeError('This step needs $.execution from the "Name the execution" state.');
  const holder = state.execution.name;
  const at = now();
  const seq = input.trigger?.receivedAt ?? Date.parse(state.execution.startedAt);
  const leaseSeconds = leaseSecondsFor(input.strategy);
  const result = await acquireLock({ app: input.app, env: input.env, holder, seq, now: at, leaseSeconds });
  const base = { holder, leaseSeconds, waitSeconds: LOCK_POLL_SECONDS };
  if (result.outcome === "wait") return { ...base, outcome: "wait", heldBy: result.heldBy, summary: `waiting: ${result.heldBy} holds ${input.app}/${input.env}` };
  if (result.outcome === "superseded") return { ...base, outcome: "superseded", by: result.by, summary: `superseded by ${result.by}, a newer push` };
  const release = await recordRelease({
    app: input.app,
    env: input.env,
    releaseId: input.release.id,
    ...(input.release.ref ? { ref: input.release.ref } : {}),
    ...(input.release.imageId ? { imageId: input.release.imageId } : {}),
    trigger: input.trigger ?? { source: "unknown" },
    execution: holder,
    startedAt: new Date(at).toISOString(),
  });
  return { ...base, outcome: "acquired", label: release.label, summary: `${input.app}/${input.env} locked; this deploy is ${release.label} (${input.release.id})` };
});
