import * as z from "zod";
import { InvalidEnvironmentError } from "../core/errors.js";

/** Powertools Logger's levels; SILENT is how tests and local mode stay quiet. */
export const LOG_LEVELS = ["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "CRITICAL", "SILENT"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** An unset variable and an empty one mean the same: CloudFormation cannot remove a variable, only blank it. */
const optional = z.preprocess((value) => (value === "" ? undefined : value), z.string().optional());

/**
 * The environment a gantry Lambda reads, each variable with what to set when it is wrong. The
 * infrastructure sets these (infra/stacks/gantry-stack.ts); only the webhook needs the state
 * machine and the secret, so those are optional here and required where they are used.
 */
const ENVIRONMENT = z.object({
  AWS_REGION: z
    .preprocess(
      (value) => (value === "" ? undefined : value),
      z
        .string()
        .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, { message: "is not an AWS region; set it to one such as eu-west-1" })
        .optional(),
    )
    .default("us-east-1"),
  GANTRY_TABLE: z
    .preprocess(
      (value) => (value === "" ? undefined : value),
      z
        .string()
        .regex(/^[A-Za-z0-9_.-]{3,255}$/, { message: "is not a DynamoDB table name; set it to the stack's table (3–255 of A–Z a–z 0–9 _ . -)" })
        .optional(),
    )
    .default("gantry"),
  GANTRY_DEPLOY_STATE_MACHINE_ARN: z.preprocess(
    (value) => (value === "" ? undefined : value),
    z
      .string()
      .regex(/^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:stateMachine:[A-Za-z0-9_-]+$/, {
        message: "is not a state machine ARN; set it to the deploy state machine's ARN (arn:aws:states:<region>:<account>:stateMachine:<name>)",
      })
      .optional(),
  ),
  GANTRY_WEBHOOK_SECRET: optional,
  GANTRY_GITHUB_TOKEN: optional,
  GANTRY_WEBHOOK_SECRET_PARAMETER: z.preprocess(
    (value) => (value === "" ? undefined : value),
    z
      .string()
      .regex(/^\/?[A-Za-z0-9_.\-/]+$/, {
        message: "is not an SSM parameter name; set it to the parameter holding the webhook secret, e.g. /gantry/webhook-secret",
      })
      .optional(),
  ),
  GANTRY_SLACK_SIGNING_SECRET: optional,
  GANTRY_SLACK_SIGNING_SECRET_PARAMETER: z.preprocess(
    (value) => (value === "" ? undefined : value),
    z
      .string()
      .regex(/^\/?[A-Za-z0-9_.\-/]+$/, {
        message: "is not an SSM parameter name; set it to the parameter holding the Slack signing secret, e.g. /gantry/slack-signing-secret",
      })
      .optional(),
  ),
  /** Set by Lambda itself: the chat function invokes itself by this name for the work after its answer. */
  AWS_LAMBDA_FUNCTION_NAME: optional,
  GANTRY_RELEASE_BUCKET: z.preprocess(
    (value) => (value === "" ? undefined : value),
    z
      .string()
      .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { message: "is not an S3 bucket name; set it to the stack's output ReleaseBucketName" })
      .optional(),
  ),
  GANTRY_ALERTS_TOPIC_ARN: z.preprocess(
    (value) => (value === "" ? undefined : value),
    z
      .string()
      .regex(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]+$/, { message: "is not an SNS topic ARN; set it to the stack's output AlertsTopicArn" })
      .optional(),
  ),
  POWERTOOLS_LOG_LEVEL: z.preprocess(
    (value) => (typeof value === "string" && value !== "" ? value.toUpperCase() : undefined),
    z.enum(LOG_LEVELS, { message: `is not a log level; set it to one of ${LOG_LEVELS.join(", ")}` }).optional(),
  ),
  LOG_LEVEL: z.preprocess(
    (value) => (typeof value === "string" && value !== "" ? value.toUpperCase() : undefined),
    z.enum(LOG_LEVELS, { message: `is not a log level; set it to one of ${LOG_LEVELS.join(", ")}` }).optional(),
  ),
});

/** What the variables say, under the names the code uses. */
export interface GantryEnvironment {
  region: string;
  tableName: string;
  deployStateMachineArn?: string;
  /** The secret itself: local mode only; on AWS it lives in SSM. */
  webhookSecret?: string;
  webhookSecretParameter?: string;
  /** The Slack signing secret itself: local mode only; on AWS it lives in SSM. */
  slackSigningSecret?: string;
  slackSigningSecretParameter?: string;
  /** This Lambda's own name (AWS_LAMBDA_FUNCTION_NAME). */
  functionName?: string;
  /** A GitHub token itself: local mode and tests only; on AWS it lives in SSM. */
  githubToken?: string;
  /** The release store's bucket: the steps that check or point at releases need it. */
  releaseBucket?: string;
  /** The alerts topic: approval checkpoints announce themselves there. */
  alertsTopicArn?: string;
  logLevel: LogLevel;
}

/**
 * Validates the variables once, when the runtime is built, so a wrong value stops the function
 * at its first invocation with the variable's name rather than deep in a step. The log level is
 * Powertools' own POWERTOOLS_LOG_LEVEL, then the Lambda-wide LOG_LEVEL, then INFO.
 */
export function readEnvironment(variables: Record<string, string | undefined>): GantryEnvironment {
  const parsed = ENVIRONMENT.safeParse(variables);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? "(environment)");
      return `${name}=${JSON.stringify(variables[name] ?? "")} ${issue.message}`;
    });
    throw new InvalidEnvironmentError(`The function's environment is wrong: ${problems.join("; ")}.`);
  }
  const values = parsed.data;
  return {
    region: values.AWS_REGION,
    tableName: values.GANTRY_TABLE,
    ...(values.GANTRY_DEPLOY_STATE_MACHINE_ARN ? { deployStateMachineArn: values.GANTRY_DEPLOY_STATE_MACHINE_ARN } : {}),
    ...(values.GANTRY_WEBHOOK_SECRET ? { webhookSecret: values.GANTRY_WEBHOOK_SECRET } : {}),
    ...(values.GANTRY_WEBHOOK_SECRET_PARAMETER ? { webhookSecretParameter: values.GANTRY_WEBHOOK_SECRET_PARAMETER } : {}),
    ...(values.GANTRY_SLACK_SIGNING_SECRET ? { slackSigningSecret: values.GANTRY_SLACK_SIGNING_SECRET } : {}),
    ...(values.GANTRY_SLACK_SIGNING_SECRET_PARAMETER ? { slackSigningSecretParameter: values.GANTRY_SLACK_SIGNING_SECRET_PARAMETER } : {}),
    ...(values.AWS_LAMBDA_FUNCTION_NAME ? { functionName: values.AWS_LAMBDA_FUNCTION_NAME } : {}),
    ...(values.GANTRY_GITHUB_TOKEN ? { githubToken: values.GANTRY_GITHUB_TOKEN } : {}),
    ...(values.GANTRY_RELEASE_BUCKET ? { releaseBucket: values.GANTRY_RELEASE_BUCKET } : {}),
    ...(values.GANTRY_ALERTS_TOPIC_ARN ? { alertsTopicArn: values.GANTRY_ALERTS_TOPIC_ARN } : {}),
    logLevel: values.POWERTOOLS_LOG_LEVEL ?? values.LOG_LEVEL ?? "INFO",
  };
}
