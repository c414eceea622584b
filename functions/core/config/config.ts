import * as z from "zod";
import { cyclingSchema } from "../cycle/cycle-config.js";
import { InvalidConfigError } from "../errors.js";
import { deploySettingsShape, type DeployInputRaw } from "./input.js";
import { scheduleSchema } from "../power/schedule-config.js";
import { githubSchema, triggerSchema } from "./github-config.js";
import { describeIssues } from "./validation.js";

const slug = z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, "is not lowercase letters, digits and dashes (at most 40)");

const environmentSchema = z.strictObject({
  /** Pushes to this branch deploy to this environment. */
  branch: z
    .string()
    .min(1, "is empty")
    .refine((branch) => !branch.startsWith("refs/"), 'is a full ref: give the branch name alone, e.g. "main"'),
  region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'is not an AWS region such as "eu-west-1"'),
  /** What starts a deploy of the branch: the push itself, or a named GitHub Actions workflow finishing on it (see trigger-config.ts). */
  trigger: triggerSchema,
  ...deploySettingsShape,
  /** Replace instances older than a maximum age, on a schedule (see cycle-config.ts). */
  cycling: cyclingSchema.optional(),
});

const appSchema = z
  .strictObject({
    repository: z.string().regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, 'is not a GitHub repository such as "octo-org/hello"'),
    environments: z
      .record(slug, environmentSchema)
      .refine((environments) => Object.keys(environments).length > 0, "is empty: configure at least one environment"),
    /** A GitHub Deployment with statuses for each deploy (see github-config.ts). */
    github: githubSchema.optional(),
  })
  .superRefine((app, context) => {
    const seen = new Map<string, string>();
    for (const [env, environment] of Object.entries(app.environments)) {
      const other = seen.get(environment.branch);
      if (other) {
        context.addIssue({
          code: "custom",
          path: ["environments", env, "branch"],
          message: `is already the branch of environment "${other}": one branch deploys one environment`,
        });
      }
      seen.set(environment.branch, env);
    }
  });

/**
 * What only the AWS deployment needs (infra/ reads it; local mode ignores it). Every field is
 * optional: without `vpc`, the functions that probe `/health` run outside any VPC and reach only
 * public addresses.
 */
const infrastructureSchema = z.strictObject({
  /** Subnets and security groups for the functions that call instances over HTTP (`http-probe`). */
  vpc: z
    .strictObject({
      subnetIds: z.array(z.string().regex(/^subnet-[0-9a-f]+$/, 'is not a subnet id such as "subnet-0abc1234"')).min(1, "is empty: name at least one subnet"),
      securityGroupIds: z
        .array(z.string().regex(/^sg-[0-9a-f]+$/, 'is not a security group id such as "sg-0abc1234"'))
        .min(1, "is empty: name at least one security group"),
    })
    .optional(),
  /**
   * IAM roles the instances' launch templates carry (their instance profiles), which a deploy
   * with a new `imageId` passes on when it selects a launch template version. Default: roles
   * under the path `/gantry/`.
   */
  instanceRoleArns: z.array(z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/, "is not an IAM role ARN")).optional(),
  /**
   * Customer-managed KMS keys that encrypt the EBS volumes of scheduled instances: starting such
   * an instance needs kms:CreateGrant on its key (volumes under the AWS-managed key need nothing).
   */
  ebsKmsKeyArns: z
    .array(
      z.string().regex(/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/.+$/, 'is not a KMS key ARN such as "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-…"'),
    )
    .optional(),
  /** The SSM SecureString the webhook reads GitHub's secret from (default `/gantry/webhook-secret`). */
  webhookSecretParameter: z
    .string()
    .regex(/^\/[A-Za-z0-9_.\/-]+$/, 'is not an SSM parameter name starting with "/"')
    .optional(),
});

/**
 * Who may run `/gantry` in Slack: both the member and the channel must be listed. Ids, not
 * names, because Slack signs the ids (`user_id`, `channel_id`) and names can be changed.
 */
const slackSchema = z.strictObject({
  users: z
    .array(z.string().regex(/^[UW][A-Z0-9]{2,}$/, 'is not a Slack member id such as "U024BE7LH" (profile → ⋮ → Copy member ID), not a display name'))
    .min(1, "is empty: list the Slack member ids allowed to run /gantry"),
  channels: z
    .array(z.string().regex(/^[CGD][A-Z0-9]{2,}$/, 'is not a Slack channel id such as "C2147483705" (channel details → bottom of the About tab), not a #name'))
    .min(1, "is empty: list the Slack channel ids /gantry may be run in"),
  /** The SSM SecureString holding the Slack app's signing secret (default `/gantry/slack-signing-secret`). */
  signingSecretParameter: z
    .string()
    .regex(/^\/[A-Za-z0-9_.\/-]+$/, 'is not an SSM parameter name starting with "/"')
    .optional(),
});

/** Chat commands (`/gantry deploy|rollback|status|approve|abort …`); without it every chat request is refused. */
const chatSchema = z.strictObject({ slack: slackSchema });

export const gantryConfigSchema = z
  .strictObject({
    apps: z.record(slug, appSchema),
    /** Work-hours schedules that start and stop instances and groups (see schedule-config.ts). */
    schedules: z.record(slug, scheduleSchema).optional(),
    /** Slack slash commands: who may run them, and where. */
    chat: chatSchema.optional(),
    /** Settings of the AWS deployment only. */
    infrastructure: infrastructureSchema.optional(),
  })
  .superRefine((config, context) => {
    // The HTTP gate calls each new instance at its private address: a function outside the VPC
    // cannot reach it, so every deploy would fail its gate and roll back.
    if (config.infrastructure?.vpc) return;
    for (const [app, settings] of Object.entries(config.apps)) {
      for (const [env, environment] of Object.entries(settings.environments)) {
        if (!environment.gates.http) continue;
        context.addIssue({
          code: "custom",
          path: ["apps", app, "environments", env, "gates", "http"],
          message:
            "is set, but infrastructure.vpc is missing: the gate functions would run outside the VPC and never reach the instances' private addresses. Add infrastructure.vpc { subnetIds, securityGroupIds } (gantry init writes it from the fleet stack's outputs), or remove gates.http",
        });
      }
    }
  });

export type GantryConfig = z.infer<typeof gantryConfigSchema>;
export type GantryConfigInput = z.input<typeof gantryConfigSchema>;
export type EnvironmentConfig = GantryConfig["apps"][string]["environments"][string];

/** Types a `gantry.config.ts` as it is written; `parseConfig` validates it when gantry loads it. */
export function defineConfig(config: GantryConfigInput): GantryConfigInput {
  return config;
}

/** Validates a configuration, failing with every wrong path and value, one per line. */
export function parseConfig(raw: unknown, source = "gantry.config.ts"): GantryConfig {
  const result = gantryConfigSchema.safeParse(raw);
  if (result.success) return result.data;
  const problems = describeIssues(raw, result.error.issues, gantryConfigSchema);
  throw new InvalidConfigError(`${source} is invalid:\n  ${problems.join("\n  ")}`);
}

/** The app and environment a push to `repository` on `branch` deploys, if any. */
export function environmentForPush(
  config: GantryConfig,
  repository: string,
  branch: string,
): { app: string; env: string; environment: EnvironmentConfig } | undefined {
  for (const [app, settings] of Object.entries(config.apps)) {
    if (settings.repository.toLowerCase() !== repository.toLowerCase()) continue;
    for (const [env, environment] of Object.entries(settings.environments)) {
      if (environment.branch === branch) return { app, env, environment };
    }
  }
  return undefined;
}

/** One app/env's settings, or an error naming the app/envs the configuration has. */
export function environmentOf(config: GantryConfig, app: string, env: string): EnvironmentConfig {
  const environment = config.apps[app]?.environments[env];
  if (!environment) {
    const known = Object.entries(config.apps).flatMap(([name, settings]) => Object.keys(settings.environments).map((e) => `${name}/${e}`));
    throw new InvalidConfigError(`No environment ${app}/${env} in the configuration (configured: ${known.join(", ") || "none"}).`);
  }
  return environment;
}

/** The deploy execution input for one app/env: the push carries the release, config the rest. */
export function deployInputFor(
  config: GantryConfig,
  app: string,
  env: string,
  release: DeployInputRaw["release"],
  trigger: NonNullable<DeployInputRaw["trigger"]>,
): DeployInputRaw {
  const environment = environmentOf(config, app, env);
  const report = config.apps[app]?.github?.deployments ? { reportToGitHub: true } : {};
  return { app, env, release, group: environment.group, strategy: environment.strategy, gates: environment.gates, trigger, ...report };
}
