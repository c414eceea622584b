import { finishRelease } from "../../functions/aws/releases/release-history.js";
import { releaseLock } from "../../functions/aws/lock/deploy-lock.js";
import { clearUnfinishedRollout, readUnfinishedRollout } from "../../functions/aws/rollout/unfinished.js";
import { saveLocalDynamo } from "../../local/dynamo-session.js";
import { ExecutionStore } from "../../local/records.js";
import type { RecoverOptions } from "../commands/recover.js";
import { openLocalDynamo } from "../lifecycle.js";
import { UsageError, line, printJson } from "../output.js";
import { printNothingToRecover } from "./recover-output.js";

export async function recoverOnAws(app: string, env: string, options: RecoverOptions): Promise<number> {
  return (await import("../aws/recover.js")).recoverOnAws(app, env, options);
}

/**
 * `gantry recover --local <app> <env>`: a killed `gantry deploy --local` leaves its rollout
 * recorded, its lock held and its release "deploying" in `.gantry/`. Its simulated group lived in
 * its process and ended with it, so there is no group to restore: this ends the release as
 * failed, frees the lock and removes the record, and the next local deploy starts clean.
 */
export async function recoverHere(app: string, env: string, options: RecoverOptions, now = Date.now()): Promise<number> {
  await openLocalDynamo();
  const record = await readUnfinishedRollout(app, env);
  if (!record) return printNothingToRecover(app, env, options);
  const run = new ExecutionStore().lookup(record.execution).record;
  if (run?.status === "RUNNING") {
    throw new UsageError(
      `${record.execution} is still running (process ${run.pid ?? "unknown"}): the rollout is its own. gantry abort --local ${record.execution} stops it and rolls it back.`,
    );
  }
  const ended = run?.status ?? "ABORTED";
  const cause = `The local run ${record.execution} ended ${ended} mid-rollout; its simulated group ended with its process, so gantry recover --local closed the release.`;
  if (record.label) await finishRelease({ app, env, execution: record.execution, status: "failed", finishedAt: new Date(now).toISOString(), cause });
  const unlocked = await releaseLock({ app, env, holder: record.execution });
  await clearUnfinishedRollout(app, env, record.execution);
  await saveLocalDynamo();
  const what = record.label ? `${record.label} (${record.release})` : record.release;
  if (options.json) {
    printJson({
      app,
      env,
      recovering: true,
      execution: record.execution,
      status: ended,
      release: record.release,
      label: record.label,
      unlocked,
      releaseStatus: "failed",
    });
  } else {
    line(
      `Recovered ${app}/${env} after ${record.execution} ended ${ended}: ${what} marked failed, ${unlocked ? "lock freed" : "the lock was not held by it"}.`,
    );
    line("Its simulated group lived in that process and ended with it: the next gantry deploy --local starts on a fresh one.");
  }
  return 0;
}
