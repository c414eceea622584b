import * as z from "zod";
import { InvalidDeployInputError } from "./errors.js";

const batchStep = z.union([
  z.number().int().positive(),
  z
    .string()
    .regex(/^\d+(\.\d+)?%$/, 'a percentage such as "25%"')
    .refine((text) => Number.parseFloat(text) > 0, "must be above 0%")
    .refine((text) => Number.parseFloat(text) <= 100, "must be at most 100%"),
]);

const httpGate = z.object({
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
      http: httpGate.optional(),
      alarms: z.array(z.string().min(1)).default([]),
    })
    .default({ alarms: [] }),
  trigger: z.object({ source: z.string(), deliveryId: z.string().optional(), actor: z.string().optional() }).optional(),
  mode: z.enum(["deploy", "cycle"]).default("deploy"),
  dryRun: z.boolean().default(false),
});

export type DeployInput = z.infer<typeof deployInputSchema>;
export type DeployInputRaw = z.input<typeof deployInputSchema>;
export type Strategy = DeployInput["strategy"];
export type BatchStep = Strategy["batches"][number];

/** Renders a zod issue path the way a person writes it: `strategy.batches[2]`. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((text, key) => {
    if (typeof key === "number") return `${text}[${key}]`;
    return text ? `${text}.${String(key)}` : String(key);
  }, "");
}

/** Parses an execution input, failing with the path and value of every wrong field. */
export function parseDeployInput(raw: unknown): DeployInput {
  const result = deployInputSchema.safeParse(raw);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const value = valueAt(raw, issue.path);
    const shown = value === undefined ? "missing" : JSON.stringify(value);
    return `${formatPath(issue.path) || "(input)"}: ${shown} is invalid (${issue.message})`;
  });
  throw new InvalidDeployInputError(`Deploy input rejected: ${problems.join("; ")}`);
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let node = root;
  for (const key of path) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return node;
}
