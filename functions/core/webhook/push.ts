import * as z from "zod";
import { deployInputFor, environmentForPush, type GantryConfig } from "../config/config.js";
import type { DeployInputRaw } from "../config/input.js";
import { executionName } from "../executions/naming.js";
import { describeIssues } from "../config/validation.js";
import { releaseIdOf } from "../releases/release-id.js";

/** What a push means for gantry: start one deploy, ignore it (and why), or reject the payload. */
export type PushDecision =
  { kind: "start"; app: string; env: string; name: string; input: DeployInputRaw } | { kind: "ignored"; reason: string } | { kind: "invalid"; problem: string };

/** Where a push came from, beside its payload. */
export interface PushContext {
  config: GantryConfig;
  /** `X-GitHub-Delivery`: the same on a redelivery, so it names the execution. */
  delivery: string | undefined;
  /** When the webhook received the push (epoch ms), so a later lock can order pushes. */
  receivedAt: number;
}

/** The fields of GitHub's push payload gantry reads; the rest is ignored. */
const pushPayloadSchema = z.object({
  ref: z.string().min(1, "is empty"),
  after: z.string(),
  deleted: z.boolean().nullish(),
  repository: z.object({ full_name: z.string().min(1, "is empty") }),
  pusher: z.object({ name: z.string().nullish() }).nullish(),
  sender: z.object({ login: z.string().nullish() }).nullish(),
});

const BRANCH_PREFIX = "refs/heads/";
/** A commit id: SHA-1 today, SHA-256 in repositories that use the newer object format. */
const COMMIT_SHA = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/i;
const DELIVERY_SUFFIX_LENGTH = 8;

/** Decides what one push does: only a live branch configured for an environment deploys. */
export function decidePush(payload: Record<string, unknown>, context: PushContext): PushDecision {
  const parsed = pushPayloadSchema.safeParse(payload);
  if (!parsed.success)
    return { kind: "invalid", problem: `The push payload is not one GitHub sends: ${describeIssues(payload, parsed.error.issues).join("; ")}.` };
  const push = parsed.data;
  const repository = push.repository.full_name;
  if (push.ref.startsWith("refs/tags/")) return { kind: "ignored", reason: `${push.ref} is a tag; gantry deploys pushes to branches.` };
  if (!push.ref.startsWith(BRANCH_PREFIX)) return { kind: "ignored", reason: `${push.ref} is not a branch; gantry deploys pushes to branches.` };
  const branch = push.ref.slice(BRANCH_PREFIX.length);
  if (push.deleted === true || /^0+$/.test(push.after))
    return { kind: "ignored", reason: `The push deleted branch ${branch} of ${repository}; there is nothing to deploy.` };
  const target = environmentForPush(context.config, repository, branch);
  if (!target) return { kind: "ignored", reason: unconfiguredReason(context.config, repository, branch) };
  if (!COMMIT_SHA.test(push.after)) return { kind: "invalid", problem: `after: ${JSON.stringify(push.after)} is not a commit sha.` };
  const delivery = context.delivery ?? "";
  const suffix = delivery.replace(/[^A-Za-z0-9]/g, "").slice(0, DELIVERY_SUFFIX_LENGTH);
  if (!suffix)
    return {
      kind: "invalid",
      problem: "The X-GitHub-Delivery header is missing or has no letters or digits; gantry names the deploy after it so a redelivery starts nothing new.",
    };
  const release = releaseIdOf(push.after);
  const actor = push.pusher?.name || push.sender?.login || undefined;
  const trigger = { source: "github", deliveryId: delivery, ...(actor ? { actor } : {}), receivedAt: context.receivedAt };
  const input = deployInputFor(context.config, target.app, target.env, { id: release, ref: push.ref }, trigger);
  return { kind: "start", app: target.app, env: target.env, name: executionName(target.app, target.env, release, suffix), input };
}

function unconfiguredReason(config: GantryConfig, repository: string, branch: string): string {
  const apps = Object.values(config.apps).filter((app) => app.repository.toLowerCase() === repository.toLowerCase());
  if (apps.length === 0) return `Repository ${repository} is not in gantry's configuration; nothing deploys from it.`;
  const branches = apps.flatMap((app) => Object.entries(app.environments).map(([env, environment]) => `${environment.branch} → ${env}`));
  return `Branch ${branch} of ${repository} deploys no environment (configured: ${branches.join(", ")}).`;
}
