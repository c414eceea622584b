import * as z from "zod";
import { InvalidDeployInputError } from "./errors.js";
import { describeIssues } from "./validation.js";

/** A batch step: a count of instances, or a share of them such as "25%". */
const batchStep = z.union([z.number(), z.string()], { error: 'is not a count or a percentage such as "25%"' }).superRefine((step, context) => {
  const problem = batchStepProblem(step);
  if (problem) context.addIssue({ code: "custom", message: problem });
});

function batchStepProblem(step: number | string): string | undefined {
  if (typeof step === "number") return Number.isInteger(step) && step > 0 ? undefined : "is not a whole number above 0";
  if (!/^\d+(\.\d+)?%$/.test(step)) return 'is not a count or a percentage such as "25%"';
  const percent = Number.parseFloat(step);
  if (percent > 100) return "is above 100%";
  return percent > 0 ? undefined : "is not above 0%";
}

export const httpGateSchema = z.object({
  port: z.number().int().min(1).max(65535),
  healthPath: z.string().startsWith("/").default("/health"),
  versionPath: z.string().startsWith("/").optional(),
  timeoutMs: z.number().int().positive().max(10_000).default(2_000),
});

export const strategySchema = z.object({
  batches: z.array(batchStep).min(1).default(["25%"]),
  minHealthyPercent: z.number().min(0).max(100).default(100),
  bakeSeconds: z.number().int().min(0).max(3_600).default(60),
  launchTimeoutSeconds: z.number().int().positive().max(7_200).default(600),
  healthTimeoutSeconds: z.number().int().positive().max(7_200).default(600),
  pollSeconds: z.number().int().min(1).max(300).default(15),
  retire: z.enum(["standby", "terminate"]).default("standby"),
  suspendProcesses: z.array(z.string()).default(["AZRebalance"]),
});

export const deployInputSchema = z.object({
  app: z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, "lowercase letters, digits and dashes"),
  env: z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, "lowercase letters, digits and dashes"),
  release: z.object({
    id: z.string().regex(/^[A-Za-z0-9._:-]{1,128}$/, "letters, digits and . _ : - (at most 128)"),
    ref: z.string().optional(),
    imageId: z.string().regex(/^ami-[0-9a-f]{8,17}$/, "an AMI id such as ami-0abc1234").optional(),
  }),
  group: z.object({
    autoScalingGroupName: z.string().min(1).max(255),
    targetGroupArns: z.array(z.string().startsWith("arn:")).min(1),
  }),
  strategy: strategySchema.default(strategySchema.parse({})),
  gates: z
    .object({
      http: httpGateSchema.optional(),
      alarms: z.array(z.string().min(1)).default([]),
    })
    .default({ alarms: [] }),
  trigger: z
    .object({
      source: z.string(),
      deliveryId: z.string().optional(),
      actor: z.string().optional(),
      /** When the webhook received the push (epoch ms): orders pushes that race for the lock. */
      receivedAt: z.number().int().nonnegative().optional(),
    })
    .optional(),
  mode: z.enum(["deploy", "cycle"]).default("deploy"),
  dryRun: z.boolean().default(false),
});

export type DeployInput = z.infer<typeof deployInputSchema>;
export type DeployInputRaw = z.input<typeof deployInputSchema>;
export type Strategy = DeployInput["strategy"];
export type BatchStep = Strategy["batches"][number];

/** Parses an execution input, failing with the path and value of every wrong field. */
export function parseDeployInput(raw: unknown): DeployInput {
  const result = deployInputSchema.safeParse(raw);
  if (result.success) return result.data;
  throw new InvalidDeployInputError(`Deploy input rejected: ${describeIssues(raw, result.error.issues).join("; ")}`);
}
