import { announce, savePendingApproval } from "../aws/operator/approvals.js";
import { runtime } from "../aws/runtime.js";
import { InvalidDeployInputError } from "../core/errors.js";
import { approvalMessage } from "../core/rollout/approvals.js";
import { readDeployState, requirePlan, requireProgress, type DeployState } from "../wiring/deploy-state.js";
import { lambdaStep } from "../wiring/step.js";

interface ApprovalEvent {
  state: DeployState;
  taskToken: string;
}

function parseApprovalEvent(event: unknown): ApprovalEvent {
  const record = (event ?? {}) as { state?: unknown; taskToken?: unknown };
  const state = readDeployState(record.state);
  if (typeof record.taskToken !== "string" || record.taskToken === "")
    throw new InvalidDeployInputError('"Wait for approval" passes { state, taskToken }: the task token ($$.Task.Token) is missing.');
  return { state, taskToken: record.taskToken };
}

/**
 * "Wait for approval" (a `.waitForTaskToken` task): keeps the checkpoint's task token under the
 * execution's name, so `gantry approve` and `gantry reject` find it, and tells the alerts topic
 * with the gate's evidence and both commands. On AWS it returns at once and the execution waits
 * for the answer (or the state's timeout). Locally, where the runner has no task tokens, the
 * runtime's waiter reads the answer filed for the execution and this returns it, or throws the
 * rejection, so the same states run.
 */
export const handler = lambdaStep(
  "await-approval",
  { parse: parseApprovalEvent, about: ({ state }) => ({ app: state.input.app, env: state.input.env, release: state.input.release?.id }) },
  async ({ state, taskToken }) => {
    const { input, execution } = state;
    const plan = requirePlan(state);
    const checkpoint = requireProgress(state).approval;
    if (!checkpoint || !execution) throw new TypeError('"Wait for approval" needs $.progress.approval from "Check after bake" and $.execution.');
    const label = state.lock?.label;
    await savePendingApproval(input.app, input.env, { execution: execution.name, taskToken, checkpoint, release: plan.release, ...(label ? { label } : {}) });
    const { subject, message } = approvalMessage({
      app: input.app,
      env: input.env,
      release: plan.release,
      ...(label ? { label } : {}),
      execution: execution.name,
      checkpoint,
      ...(state.progress?.evidence ? { evidence: state.progress.evidence } : {}),
    });
    const announced = await announce(subject, message);
    const wait = runtime().awaitApproval;
    if (!wait) return { waiting: true, announced, summary: `waiting for approval after batch ${checkpoint.batch} of ${checkpoint.of}` };
    const answer = await wait({ app: input.app, env: input.env, execution: execution.name, checkpoint, pollSeconds: input.strategy.pollSeconds });
    return { ...answer, summary: `approved by ${answer.by} after batch ${checkpoint.batch} of ${checkpoint.of}` };
  },
);
