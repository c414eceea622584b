import { now } from "../aws/clock.js";
import { releaseLock } from "../aws/deploy-lock.js";
import { finishRelease } from "../aws/release-history.js";
import { deployStep } from "../wiring/step.js";

/**
 * "Release the deploy lock": every way a locked deploy ends passes here. It records how the
 * release ended (deployed, rolled back, failed) and frees the app/env for the next push. Both
 * are idempotent, so a retry is harmless; if this step fails for good, the lease runs out.
 */
export const handler = deployStep("finish-deploy", async (state) => {
  const { input, lock, outcome } = state;
  if (!lock || lock.outcome !== "acquired" || !outcome) return { released: false, summary: "no lock held" };
  await finishRelease({
    app: input.app,
    env: input.env,
    execution: lock.holder,
    status: outcome.status,
    finishedAt: new Date(now()).toISOString(),
    ...(outcome.cause ? { cause: outcome.cause } : {}),
  });
  await releaseLock({ app: input.app, env: input.env, holder: lock.holder });
  return { released: true, summary: `${lock.label ?? "release"} ${outcome.status}; ${input.app}/${input.env} unlocked` };
});
