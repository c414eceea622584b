/**
 * The outputs of gantry's CloudFormation stack, by key. infra/ writes them; the CLI finds the
 * stack's resources by reading them (DescribeStacks), so neither guesses the other's names.
 */
export const DEFAULT_STACK_NAME = "Gantry";

/** The SSM SecureString the webhook reads GitHub's secret from, unless infrastructure.webhookSecretParameter names another. */
export const DEFAULT_WEBHOOK_SECRET_PARAMETER = "/gantry/webhook-secret";

export const STACK_OUTPUTS = {
  /** The webhook's Function URL, to paste into GitHub. */
  webhookUrl: "WebhookUrl",
  /** The chat endpoint's Function URL, to paste into the Slack app's slash command. */
  chatUrl: "ChatUrl",
  /** ARN of the deploy state machine (deploys, rollbacks, cycle runs). */
  deployStateMachineArn: "DeployStateMachineArn",
  /** ARN of the power state machine (work-hours start/stop); present when the config has schedules. */
  powerStateMachineArn: "PowerStateMachineArn",
  /** Name of the DynamoDB table holding deploy locks and release history. */
  tableName: "TableName",
  /** ARN of the SNS topic told about failed, timed-out, aborted and rolled-back executions. */
  alertsTopicArn: "AlertsTopicArn",
  /** Name of the SSM SecureString parameter the webhook reads its secret from. */
  webhookSecretParameter: "WebhookSecretParameterName",
  /** Name of the S3 bucket holding releases (slug, env, manifest) and each app/env's `current`. */
  releaseBucketName: "ReleaseBucketName",
  /** What to enter in GitHub's webhook form, field by field. */
  githubWebhookSettings: "GitHubWebhookSettings",
  /** Step Functions console page listing the deploy state machine's executions. */
  deployConsoleUrl: "DeployConsoleUrl",
} as const;

export type StackOutputKey = keyof typeof STACK_OUTPUTS;
