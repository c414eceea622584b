import * as z from "zod";
import { environmentForPush } from "../config/config.js";
import { describeIssues } from "../config/validation.js";
import { isFullCommit } from "../releases/release-id.js";
import { deployOfCommit, unconfiguredReason, type DeliveryContext, type DeliveryDecision } from "./deploy-start.js";

/** What a push means for gantry: start one deploy, ignore it (and why), or reject the payload. */
export type PushDecision = DeliveryDecision;
/** Where a push came from, beside its payload. */
export type PushContext = DeliveryContext;

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

/**
 * Decides what one push does: only a live branch configured for an environment deploys, and
 * only when that environment deploys on push rather than on a workflow run.
 */
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
  const { trigger } = target.environment;
  if (trigger !== "push")
    return {
      kind: "ignored",
      reason: `${target.app}/${target.env} deploys when workflow "${trigger.workflowRun}" completes successfully on ${branch}, not on the push itself (trigger: { workflowRun }); this push starts nothing.`,
    };
  if (!isFullCommit(push.after)) return { kind: "invalid", problem: `after: ${JSON.stringify(push.after)} is not a commit sha.` };
  const actor = push.pusher?.name || push.sender?.login || undefined;
  return deployOfCommit(context, target, { sha: push.after, ref: push.ref, actor });
}
