import * as z from "zod";
import { maxAgeProblem } from "../cycle/cycle-age.js";
import { keepOldForProblem } from "../rollout/keep-old.js";
import { APPROVAL_TIMEOUT_DEFAULT, approvalTimeoutProblem } from "../rollout/approvals.js";
import { deployWindowSchema } from "../deploy-window/deploy-window-config.js";
import { InvalidDeployInputError } from "../errors.js";
import { describeIssues } from "./validation.js";

/** A batch step: a count of instances, or a share of them such as "25%". */
const batchStep = z.union([z.number(), z.string()], { error: 'is not a count or a percentage such as "25%"' }).superRefine((step, context) => {
  const problem = batchStepProblem(step);
  if (problem) context.addIssue({ code: "custom", message: problem });
});

/**
 * Batches one cycle run does at most, unless `cycling.maxBatchesPerRun` says otherwise. At the
 * default poll (15 s) and bake (60 s) and ALB's default deregistration delay (300 s), a batch
 * takes about 8–10 minutes and 150–250 history events: 24 batches is about 4 hours and at most
 * ~6,000 events, so the run and a rollback of all of it stay well within the deploy machine's
 * 12 h timeout and the 25,000-event history. What is left, the next scheduled run carries on.
 */
export const CYCLE_MAX_BATCHES_DEFAULT = 24;
/** The most a run may be given: ~10 h and ~15,000 events at 10 minutes and 250 events a batch. */
export const CYCLE_MAX_BATCHES_LIMIT = 60;

/** Batches per cycle run: a whole number from 1 to CYCLE_MAX_BATCHES_LIMIT. */
export const maxBatchesPerRunSchema = z
  .number()
  .int("is not a whole number")
  .min(1, "is below 1")
  .max(
    CYCLE_MAX_BATCHES_LIMIT,
    `is above ${CYCLE_MAX_BATCHES_LIMIT}: more batches would not fit one run in the deploy state machine's 12 h timeout and 25,000 history events; let the next scheduled run carry on`,
  );

/** Why a batch step is not usable, in words that follow the value; undefined when it is. */
export function batchStepProblem(step: number | string): string | undefined {
  if (typeof step === "number") return Number.isInteger(step) && step > 0 ? undefined : "is not a whole number above 0";
  if (!/^\d+(\.\d+)?%$/.test(step)) return 'is not a count or a percentage such as "25%"';
  const percent = Number.parseFloat(step);
  if (percent > 100) return "is above 100%";
  return percent > 0 ? undefined : "is not above 0%";
}

export const httpGateSchema = z.strictObject({
  port: z.number().int().min(1).max(65535),
  healthPath: z.string().startsWith("/").default("/health"),
  versionPath: z.string().startsWith("/").optional(),
  timeoutMs: z.number().int().positive().max(10_000).default(2_000),
});

/** The command an in-place deploy runs on each instance, as root: `<command> <releaseId>`. */
export const DEFAULT_DEPLOY_COMMAND = "/usr/local/bin/gantry-deploy";

/** How an in-place deploy runs the release's deploy command (SSM Run Command, AWS-RunShellScript). */
export const inPlaceSchema = z.strictObject({
  command: z
    .string()
    .regex(/^\/[A-Za-z0-9._/-]+$/, "is not an absolute path of letters, digits and . _ / - (the release id is passed as its one argument)")
    .default(DEFAULT_DEPLOY_COMMAND),
  /** How long the command may run on one instance before Run Command ends it as timed out. */
  timeoutSeconds: z.number().int().min(30, "is below 30").max(7_200, "is above 7200").default(600),
  /** What the command usually takes on one instance: only the dry run's critical path uses it. */
  expectedSeconds: z.number().int().min(0, "is below 0").max(7_200, "is above 7200").default(30),
});

export const strategySchema = z.strictObject({
  /** "replace" launches new instances and retires old ones; "in-place" runs the deploy command on the instances the group has. */
  mode: z.enum(["replace", "in-place"]).default("replace"),
  inPlace: inPlaceSchema.default(inPlaceSchema.parse({})),
  batches: z.array(batchStep).min(1).default(["25%"]),
  minHealthyPercent: z.number().min(0).max(100).default(100),
  bakeSeconds: z.number().int().min(0).max(3_600).default(60),
  launchTimeoutSeconds: z.number().int().positive().max(7_200).default(600),
  healthTimeoutSeconds: z.number().int().positive().max(7_200).default(600),
  pollSeconds: z.number().int().min(1).max(300).default(15),
  retire: z.enum(["standby", "terminate"]).default("standby"),
  /**
   * How long the old instances stay in Standby after the last batch ("30m", "2h"): the lock stays
   * held, and `gantry rollback` brings them back without launching anything.
   */
  keepOldFor: z
    .string()
    .superRefine((text, context) => {
      const problem = keepOldForProblem(text);
      if (problem) context.addIssue({ code: "custom", message: problem });
    })
    .optional(),
  /**
   * With `retire: "standby"`, keep only the old instances of the last K batches in Standby:
   * older ones are terminated once the next batch passes its gate (a rollback relaunches them).
   */
  standbyBatches: z.number().int().min(1, 'is below 1: keep at least the last batch in Standby, or use retire "terminate"').optional(),
  /**
   * Approval checkpoints: after the batches that reach these steps (read as `batches` reads them)
   * have passed their bake, the deploy waits for `gantry approve` or `gantry reject`.
   */
  approveAfter: z.array(batchStep).min(1, 'is empty: name a batch step such as 1 or "25%", or remove approveAfter').optional(),
  /** How long a checkpoint waits for an answer before the deploy rolls back ("30m", "24h", at most "7d"). */
  approvalTimeout: z
    .string()
    .superRefine((text, context) => {
      const problem = approvalTimeoutProblem(text);
      if (problem) context.addIssue({ code: "custom", message: problem });
    })
    .default(APPROVAL_TIMEOUT_DEFAULT),
  suspendProcesses: z.array(z.string()).default(["AZRebalance"]),
  /** When a push may roll out; outside it the push waits or is refused (deploy-window-config.ts). */
  deployWindow: deployWindowSchema.optional(),
});

/** The Auto Scaling group a deploy rolls and the target groups its instances serve behind. */
export const groupSchema = z.strictObject({
  autoScalingGroupName: z.string().min(1, "is empty").max(255, "is longer than 255 characters"),
  targetGroupArns: z.array(z.string().startsWith("arn:", "is not an ARN")).min(1, "is empty: name at least one target group"),
});

/** What every batch must pass: the app's own HTTP checks and named CloudWatch alarms. */
export const gatesSchema = z
  .strictObject({ http: httpGateSchema.optional(), alarms: z.array(z.string().min(1, "is empty")).default([]) })
  .default({ alarms: [] });

/** One app/env's group, strategy and gates: the configuration holds them, an execution input carries them. */
export const deploySettingsShape = {
  group: groupSchema,
  strategy: strategySchema.default(strategySchema.parse({})),
  gates: gatesSchema,
};

export const deployInputSchema = z
  .strictObject({
    app: z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, "lowercase letters, digits and dashes"),
    env: z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, "lowercase letters, digits and dashes"),
    /** What a deploy rolls out. A cycle run has none: it keeps the release the group runs. */
    release: z
      .strictObject({
        id: z.string().regex(/^[A-Za-z0-9._:-]{1,128}$/, "letters, digits and . _ : - (at most 128)"),
        ref: z.string().optional(),
        /** The full commit id, when known: GitHub deployments name it exactly. */
        commit: z
          .string()
          .regex(/^(?:[0-9a-f]{40}|[0-9a-f]{64})$/, "a full lowercase commit sha (40 hex characters)")
          .optional(),
        imageId: z
          .string()
          .regex(/^ami-[0-9a-f]{8,17}$/, "an AMI id such as ami-0abc1234")
          .optional(),
      })
      .optional(),
    ...deploySettingsShape,
    trigger: z
      .strictObject({
        source: z.string(),
        deliveryId: z.string().optional(),
        actor: z.string().optional(),
        /** When the webhook received the push (epoch ms): orders pushes that race for the lock. */
        receivedAt: z.number().int().nonnegative().optional(),
      })
      .optional(),
    /** "recover": restore the group after an ending no Catch saw (`gantry recover`, or the rule on ABORTED, TIMED_OUT and FAILED). */
    mode: z.enum(["deploy", "cycle", "recover"]).default("deploy"),
    /** Recovery runs only: the execution whose unfinished rollout to repair, and how it ended. */
    recover: z
      .strictObject({
        execution: z.string().regex(/^[A-Za-z0-9_.-]{1,80}$/, "an execution name (at most 80 of A–Z a–z 0–9 _ . -)"),
        status: z.enum(["ABORTED", "TIMED_OUT", "FAILED"]),
        error: z.string().max(256).optional(),
      })
      .optional(),
    /** Cycle runs only: which instances are old enough to replace, and how many go per batch. */
    cycle: z
      .strictObject({
        maxAge: z.string().superRefine((text, context) => {
          const problem = maxAgeProblem(text);
          if (problem) context.addIssue({ code: "custom", message: problem });
        }),
        batchSize: batchStep.default(1),
        /** At most this many batches in one run; the next run replaces what is left. */
        maxBatchesPerRun: maxBatchesPerRunSchema.default(CYCLE_MAX_BATCHES_DEFAULT),
      })
      .optional(),
    dryRun: z.boolean().default(false),
    /** A person's deploy that goes now even outside strategy.deployWindow or a freeze (`gantry deploy --ignore-window`). */
    ignoreWindow: z.boolean().default(false),
    /** Report the deploy to GitHub as a Deployment with statuses (the app's `github` settings say where). */
    reportToGitHub: z.boolean().optional(),
  })
  .superRefine((input, context) => {
    if (input.mode === "deploy" && !input.release) {
      context.addIssue({ code: "custom", path: ["release"], message: 'is required for a deploy: give the release to roll out, e.g. { "id": "v42" }' });
    }
    if (input.mode === "cycle" && input.release) {
      context.addIssue({
        code: "custom",
        path: ["release"],
        message: "is not taken by a cycle run: it keeps the release the group runs (its gantry:release tag); remove it",
      });
    }
    if (input.strategy.mode === "in-place" && input.release?.imageId) {
      context.addIssue({
        code: "custom",
        path: ["release", "imageId"],
        message: 'is not taken by an in-place deploy, which keeps each instance and its image; deploy a new image with strategy.mode "replace"',
      });
    }
    if (input.strategy.keepOldFor !== undefined && (input.strategy.mode === "in-place" || input.strategy.retire === "terminate")) {
      context.addIssue({
        code: "custom",
        path: ["strategy", "keepOldFor"],
        message:
          input.strategy.mode === "in-place"
            ? "is not taken by an in-place deploy, which keeps no old instances; remove it"
            : 'needs retire "standby": with "terminate" there are no old instances to keep; remove it or set retire "standby"',
      });
    }
    if (input.strategy.standbyBatches !== undefined && (input.strategy.retire === "terminate" || input.strategy.keepOldFor !== undefined)) {
      context.addIssue({
        code: "custom",
        path: ["strategy", "standbyBatches"],
        message:
          input.strategy.retire === "terminate"
            ? 'needs retire "standby": with "terminate" no old instance is kept; remove it'
            : "cannot be combined with keepOldFor, whose rollback window needs every old instance in Standby; remove one of them",
      });
    }
    if (input.strategy.approveAfter !== undefined && input.strategy.mode === "in-place") {
      context.addIssue({
        code: "custom",
        path: ["strategy", "approveAfter"],
        message: 'is taken only with strategy.mode "replace": in-place batches have no approval checkpoints; remove it or deploy with mode "replace"',
      });
    }
    if (input.mode === "recover" && !input.recover) {
      context.addIssue({
        code: "custom",
        path: ["recover"],
        message: 'is required in recover mode: { "execution": "<the execution that ended>", "status": "ABORTED" } (gantry recover fills it in)',
      });
    }
    if (input.mode !== "recover" && input.recover) {
      context.addIssue({ code: "custom", path: ["recover"], message: 'is taken only in recover mode ("mode": "recover"); remove it' });
    }
    if (input.mode === "cycle" && !input.cycle) {
      context.addIssue({ code: "custom", path: ["cycle"], message: 'is required in cycle mode: { "maxAge": "14d", "batchSize": 1 }' });
    }
  });

export type DeployInput = z.infer<typeof deployInputSchema>;
/** Any execution input as written: a deploy's or a cycle run's. */
export type ExecutionInputRaw = z.input<typeof deployInputSchema>;
/** A deploy's input as written: it names its release. */
export type DeployInputRaw = ExecutionInputRaw & { release: NonNullable<ExecutionInputRaw["release"]> };
/** A cycle run's input as written: no release, the cycle settings instead. */
export type CycleInputRaw = Omit<ExecutionInputRaw, "release"> & { mode: "cycle"; cycle: NonNullable<ExecutionInputRaw["cycle"]> };
export type Strategy = DeployInput["strategy"];
export type BatchStep = Strategy["batches"][number];

/** Parses an execution input, failing with the path and value of every wrong field. */
export function parseDeployInput(raw: unknown): DeployInput {
  const result = deployInputSchema.safeParse(raw);
  if (result.success) return result.data;
  throw new InvalidDeployInputError(`Deploy input rejected: ${describeIssues(raw, result.error.issues, deployInputSchema).join("; ")}`);
}
