import type { DeployWindow } from "./deploy-window-config.js";
import { describeHours, localIso, nextDeployWindowOpening } from "./deploy-window.js";

/**
 * The longest a push waits for its window, from the start of its execution. The deploy state
 * machine's timeout is this plus the 12 h a rollout may take, so a push that waited its longest
 * still has a whole rollout's time left. Christmas to New Year with its weekends fits.
 */
export const DEPLOY_WINDOW_MAX_WAIT_SECONDS = 14 * 86_400;

/** What "Check deploy window" writes at `$.deployWindow`: the Choice after it reads `action`. */
export interface DeployWindowCheck {
  action: "go" | "wait" | "refuse";
  /** When the window opens, UTC without milliseconds, for the Wait state's TimestampPath. */
  opensAt?: string;
  /** The same instant on the window's wall clock: `2026-12-07T09:00+01:00`. */
  opensAtLocal?: string;
  /** Why the window is closed now. */
  reason?: string;
  /** The Fail state's cause when the push is refused. */
  cause?: string;
  summary: string;
}

/**
 * Whether a deploy goes now, waits for its window or is refused: refused when the window says
 * `outside: "refuse"`, or when it opens later than the longest wait from `startedAt`.
 */
export function checkDeployWindow(window: DeployWindow, now: Date, startedAt: Date): DeployWindowCheck {
  const opening = nextDeployWindowOpening(window, now);
  if (opening.open) return { action: "go", summary: `deploy window open (${describeHours(window)})` };
  const when = { opensAt: opening.opensAt.toISOString().replace(/\.\d{3}Z$/, "Z"), opensAtLocal: opening.opensAtLocal, reason: opening.reason };
  const latest = new Date(startedAt.getTime() + DEPLOY_WINDOW_MAX_WAIT_SECONDS * 1000);
  if (window.outside === "refuse" || opening.opensAt > latest) {
    const why =
      window.outside === "refuse"
        ? "push again once it is open"
        : `that is more than ${DEPLOY_WINDOW_MAX_WAIT_SECONDS / 86_400} days after the push (${localIso(window.timezone, startedAt)}), longer than a deploy waits: push again once it is open`;
    const cause = `Deploy refused: outside deploy window (${opening.reason}); it opens ${opening.opensAtLocal}; ${why}`;
    return { action: "refuse", ...when, cause, summary: cause };
  }
  return { action: "wait", ...when, summary: `waiting for the deploy window until ${opening.opensAtLocal} (${opening.reason})` };
}

/** Who passes a closed window: a rollback (it undoes a release, so it never waits) or a person's `--ignore-window`. */
export interface WindowOverride {
  ignoreWindow: boolean;
  trigger?: { source: string; actor?: string };
}

/**
 * The check as the run takes it: a closed window (a wait or a refusal) becomes a go when the
 * run was started to pass it, and the summary still says what the window said and who passed it.
 */
export function passDeployWindow(check: DeployWindowCheck, run: WindowOverride): DeployWindowCheck {
  if (check.action === "go") return check;
  const rollback = run.trigger?.source === "rollback";
  if (!rollback && !run.ignoreWindow) return check;
  const who = rollback ? "a rollback does not wait for the window" : `--ignore-window${run.trigger?.actor ? ` by ${run.trigger.actor}` : ""}`;
  const closed = `outside the deploy window (${check.reason}; it opens ${check.opensAtLocal})`;
  return { action: "go", reason: check.reason, summary: `${closed}, deploying now: ${who}` };
}
