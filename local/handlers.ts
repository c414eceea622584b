import { handler as checkAfterBake } from "../functions/check-after-bake/handler.js";
import { handler as finishDeploy } from "../functions/finish-deploy/handler.js";
import { handler as takeDeployLock } from "../functions/take-deploy-lock/handler.js";
import { handler as checkDeployWindow } from "../functions/check-deploy-window/handler.js";
import { handler as checkNewInstances } from "../functions/check-new-instances/handler.js";
import { handler as cleanUpAfterFailure } from "../functions/clean-up-after-failure/handler.js";
import { handler as finishRollout } from "../functions/finish-rollout/handler.js";
import { handler as deployInPlace } from "../functions/deploy-in-place/handler.js";
import { handler as launchBatch } from "../functions/launch-batch/handler.js";
import { handler as planRollout } from "../functions/plan-rollout/handler.js";
import { handler as prepareGroup } from "../functions/prepare-group/handler.js";
import { handler as retireOldInstances } from "../functions/retire-old-instances/handler.js";
import { handler as rollBack } from "../functions/roll-back/handler.js";
import { handler as recoverRollout } from "../functions/recover-rollout/handler.js";
import { handler as awaitApproval } from "../functions/await-approval/handler.js";
import { handler as reportToGitHub } from "../functions/report-github/handler.js";
import { handler as powerAct } from "../functions/power-act/handler.js";
import { handler as powerCheck } from "../functions/power-check/handler.js";
import { handler as powerPlan } from "../functions/power-plan/handler.js";

export type LambdaHandler = (event: unknown, context: never) => Promise<unknown>;

/**
 * The Lambda behind each `${...}` placeholder of the deploy definition, as the infrastructure
 * substitutes them (functions/catalog.ts); local mode calls these in-process instead.
 */
export const deployHandlers: Record<string, LambdaHandler> = {
  TakeDeployLockFunctionArn: takeDeployLock as LambdaHandler,
  FinishDeployFunctionArn: finishDeploy as LambdaHandler,
  PlanRolloutFunctionArn: planRollout as LambdaHandler,
  PrepareGroupFunctionArn: prepareGroup as LambdaHandler,
  LaunchBatchFunctionArn: launchBatch as LambdaHandler,
  DeployInPlaceFunctionArn: deployInPlace as LambdaHandler,
  CheckNewInstancesFunctionArn: checkNewInstances as LambdaHandler,
  RetireOldInstancesFunctionArn: retireOldInstances as LambdaHandler,
  CheckAfterBakeFunctionArn: checkAfterBake as LambdaHandler,
  FinishRolloutFunctionArn: finishRollout as LambdaHandler,
  RollBackFunctionArn: rollBack as LambdaHandler,
  CleanUpAfterFailureFunctionArn: cleanUpAfterFailure as LambdaHandler,
  ReportToGitHubFunctionArn: reportToGitHub as LambdaHandler,
  CheckDeployWindowFunctionArn: checkDeployWindow as LambdaHandler,
  RecoverRolloutFunctionArn: recoverRollout as LambdaHandler,
  AwaitApprovalFunctionArn: awaitApproval as LambdaHandler,
};

/** The Lambda behind each placeholder of the power definition (statemachines/power.asl.json). */
export const powerHandlers: Record<string, LambdaHandler> = {
  PlanPowerFunctionArn: powerPlan as LambdaHandler,
  PowerTargetsFunctionArn: powerAct as LambdaHandler,
  CheckPowerFunctionArn: powerCheck as LambdaHandler,
};

/** The local handlers of every state machine, by definition name (statemachines/<name>.asl.json). */
export const machineHandlers: Record<string, Record<string, LambdaHandler>> = {
  deploy: deployHandlers,
  power: powerHandlers,
};
