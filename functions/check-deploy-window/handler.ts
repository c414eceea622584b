import { now } from "../aws/clock.js";
import { checkDeployWindow, passDeployWindow, type DeployWindowCheck } from "../core/deploy-window/deploy-window-check.js";
import { forwardStep } from "../wiring/step.js";

/**
 * "Check deploy window": before a push queues for the lock, whether its app/env's deploy window
 * is open now; if not, until when it waits (or that it is refused). Run again after each wait,
 * so an opening moved by the clocks or a late wake-up is read afresh, not trusted. A rollback,
 * or a deploy started with --ignore-window, goes at once and says what the window said.
 */
export const handler = forwardStep("check-deploy-window", async (state): Promise<DeployWindowCheck> => {
  const window = state.input.strategy.deployWindow;
  if (!window) return { action: "go", summary: "no deploy window configured" };
  const at = new Date(now());
  const startedAt = state.execution ? new Date(state.execution.startedAt) : at;
  return passDeployWindow(checkDeployWindow(window, at, startedAt), state.input);
});
