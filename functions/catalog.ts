/**
 * Every Lambda of gantry, in one table: its directory under functions/, the `${...}` placeholder
 * it fills in which state machine definition, and the AWS access it needs. The infrastructure
 * builds functions, roles and `definitionSubstitutions` from this table; local mode maps the
 * same placeholders to the handlers in-process. Pure data: nothing here imports a handler.
 */

/**
 * What a function may do in AWS, by name; infra/ turns each into scoped IAM statements.
 * - `group-read`: Describe* of Auto Scaling, EC2 instances, ELBv2 target health, CloudWatch alarms.
 * - `group-write`: change the configured Auto Scaling groups (desired, max, tags, standby,
 *   terminate, suspend/resume).
 * - `retire-parked`: detach the configured groups' Standby instances and terminate them through EC2.
 * - `launch-template-versions`: create versions of launch templates tagged `gantry:managed=true`.
 * - `launch-template-use`: point a configured group at a version of such a launch template, which
 *   AWS allows only to a caller who could launch from it (RunInstances, CreateTags, PassRole).
 * - `lock-table`: read and write gantry's DynamoDB table (deploy lock, release history, unfinished rollouts; DeleteItem removes a finished rollout's record).
 * - `instance-power`: start and stop instances tagged for a schedule.
 * - `group-size`: set min/desired/max and tags of the Auto Scaling groups a schedule names.
 * - `dns-records`: change and read the Route 53 records a schedule names.
 * - `start-deploy`: start executions of the deploy state machine.
 * - `webhook-secret`: read the webhook's SSM SecureString.
 * - `slack-signing-secret`: read the Slack signing secret's SSM SecureString.
 * - `invoke-self`: invoke the function itself, asynchronously (the chat command's work after its answer).
 * - `release-read`: read the release history in gantry's table (what a rollback returns to).
 * - `execution-read`: list and describe the deploy state machine's executions.
 * - `http-probe`: call the app's /health and /version on instances (runs in the VPC when one is configured).
 * - `quota-read`: read the account's targets-per-target-group quota (Service Quotas), which sizes rollback waves.
 * - `github-token`: read the SSM SecureStrings holding the GitHub tokens the apps' `github.tokenParameter` name.
 * - `failure-evidence`: read the console output of the release's instances and the groups' scaling
 *   activities, to explain a batch that never reaches InService or never becomes healthy.
 * - `release-check`: read the release bucket's objects (HeadObject of a release's slug and manifest).
 * - `release-pointer`: write `<app>/<env>/current` in the release bucket, and nothing else there.
 * - `deploy-command`: run the release's deploy command on the release's instances (SSM Run Command,
 *   AWS-RunShellScript), read its results, and tag those instances with the release they now run.
 * - `target-registration`: register and deregister instances in the configured target groups.
 * - `alerts-publish`: publish to the stack's alerts topic (and use its key), to announce an approval checkpoint.
 */
export type Capability =
  | "group-read"
  | "group-write"
  | "retire-parked"
  | "launch-template-versions"
  | "launch-template-use"
  | "lock-table"
  | "instance-power"
  | "group-size"
  | "dns-records"
  | "start-deploy"
  | "webhook-secret"
  | "slack-signing-secret"
  | "invoke-self"
  | "release-read"
  | "execution-read"
  | "http-probe"
  | "quota-read"
  | "github-token"
  | "failure-evidence"
  | "release-check"
  | "release-pointer"
  | "deploy-command"
  | "target-registration"
  | "alerts-publish";

export interface FunctionEntry {
  /** functions/<dir>/handler.ts */
  dir: string;
  /** The state machine (statemachines/<machine>.asl.json) whose Task states call it; none for the webhook. */
  machine?: string;
  /** The `${...}` placeholder in that definition. */
  placeholder?: string;
  /** How long a function no state machine bounds may run (default 10 s, GitHub's webhook deadline). */
  seconds?: number;
  /** The events that invoke it, when EventBridge does: "deploy-ended", the deploy machine's ABORTED, TIMED_OUT and FAILED executions. */
  trigger?: "deploy-ended";
  needs: readonly Capability[];
}

/**
 * What each function calls decides its needs, and test/infra/catalog-needs.test.ts derives them
 * from the SDK commands in each function's bundle: a capability the code does not use, or a call
 * no capability allows, fails it. Only the two steps that switch launch template versions (a new
 * image, and its rollback) carry the launch rights AWS checks when a group changes versions.
 */
export const FUNCTIONS: readonly FunctionEntry[] = [
  { dir: "take-deploy-lock", machine: "deploy", placeholder: "TakeDeployLockFunctionArn", needs: ["lock-table"] },
  // Reads only the clock and the input; the lock table is in its bundle through the step wrapper, which renews a held lock.
  { dir: "check-deploy-window", machine: "deploy", placeholder: "CheckDeployWindowFunctionArn", needs: ["lock-table"] },
  { dir: "plan-rollout", machine: "deploy", placeholder: "PlanRolloutFunctionArn", needs: ["group-read", "lock-table", "quota-read", "release-check"] },
  {
    dir: "prepare-group",
    machine: "deploy",
    placeholder: "PrepareGroupFunctionArn",
    needs: ["group-read", "group-write", "launch-template-versions", "launch-template-use", "lock-table"],
  },
  { dir: "launch-batch", machine: "deploy", placeholder: "LaunchBatchFunctionArn", needs: ["group-read", "group-write", "lock-table"] },
  {
    dir: "check-new-instances",
    machine: "deploy",
    placeholder: "CheckNewInstancesFunctionArn",
    needs: ["group-read", "lock-table", "http-probe", "failure-evidence"],
  },
  {
    dir: "deploy-in-place",
    machine: "deploy",
    placeholder: "DeployInPlaceFunctionArn",
    needs: ["group-read", "lock-table", "http-probe", "deploy-command", "target-registration"],
  },
  { dir: "retire-old-instances", machine: "deploy", placeholder: "RetireOldInstancesFunctionArn", needs: ["group-read", "group-write", "lock-table"] },
  // Retires the batch's leftover old instances (Standby or terminate) before gating again: writes the group.
  // Also terminates Standby instances beyond strategy.standbyBatches once a batch passes.
  {
    dir: "check-after-bake",
    machine: "deploy",
    placeholder: "CheckAfterBakeFunctionArn",
    needs: ["group-read", "group-write", "retire-parked", "lock-table", "http-probe"],
  },
  { dir: "finish-rollout", machine: "deploy", placeholder: "FinishRolloutFunctionArn", needs: ["group-read", "group-write", "retire-parked", "lock-table"] },
  // An in-place rollback runs the previous release's deploy command batch by batch, through the same gate.
  {
    dir: "roll-back",
    machine: "deploy",
    placeholder: "RollBackFunctionArn",
    needs: ["group-read", "group-write", "launch-template-use", "lock-table", "http-probe", "deploy-command", "target-registration"],
  },
  // Registers again the instances an in-place deploy left out of the target groups.
  {
    dir: "clean-up-after-failure",
    machine: "deploy",
    placeholder: "CleanUpAfterFailureFunctionArn",
    needs: ["group-read", "group-write", "lock-table", "target-registration"],
  },
  // Reports to GitHub over HTTPS, outside any VPC; renews the lock like every deploy step that runs while it is held.
  { dir: "report-github", machine: "deploy", placeholder: "ReportToGitHubFunctionArn", needs: ["github-token", "lock-table"] },
  // "Wait for approval" (a .waitForTaskToken task): keeps the token for gantry approve/reject and tells the alerts topic.
  { dir: "await-approval", machine: "deploy", placeholder: "AwaitApprovalFunctionArn", needs: ["lock-table", "alerts-publish"] },
  // A recovery run's first step: reads the unfinished rollout and takes the lock over from the execution that left it.
  { dir: "recover-rollout", machine: "deploy", placeholder: "RecoverRolloutFunctionArn", needs: ["lock-table"] },
  { dir: "finish-deploy", machine: "deploy", placeholder: "FinishDeployFunctionArn", needs: ["lock-table", "release-pointer"] },
  { dir: "power-plan", machine: "power", placeholder: "PlanPowerFunctionArn", needs: ["lock-table"] },
  {
    dir: "power-act",
    machine: "power",
    placeholder: "PowerTargetsFunctionArn",
    needs: ["group-read", "instance-power", "group-size", "dns-records", "lock-table"],
  },
  // Only reads the targets again, stops what was still pending and moves DNS: no lock, no resize.
  { dir: "power-check", machine: "power", placeholder: "CheckPowerFunctionArn", needs: ["group-read", "instance-power", "dns-records"] },
  { dir: "webhook", needs: ["start-deploy", "webhook-secret"] },
  // Starts a recovery run when a deploy execution ended without restoring its group (reads its unfinished rollout).
  { dir: "start-recovery", seconds: 30, trigger: "deploy-ended", needs: ["start-deploy", "release-read"] },
  // Answers Slack within 3 s, then in a second invocation of itself starts, rolls back or reads, and posts the result.
  { dir: "chat", seconds: 30, needs: ["start-deploy", "slack-signing-secret", "invoke-self", "release-read", "execution-read"] },
];

/** The placeholders of one state machine, each with the function directory that fills it. */
export function placeholdersOf(machine: string): Record<string, string> {
  const entries = FUNCTIONS.filter((entry) => entry.machine === machine && entry.placeholder);
  return Object.fromEntries(entries.map((entry) => [entry.placeholder as string, entry.dir]));
}

/** The state machines the table names, e.g. ["deploy"]. */
export function machines(): string[] {
  return [...new Set(FUNCTIONS.flatMap((entry) => (entry.machine ? [entry.machine] : [])))];
}
