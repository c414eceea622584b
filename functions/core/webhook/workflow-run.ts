import * as z from "zod";
import { environmentForPush } from "../config/config.js";
import { describeIssues } from "../config/validation.js";
import { isFullCommit } from "../releases/release-id.js";
import { deployOfCommit, unconfiguredReason, type DeliveryContext, type DeliveryDecision } from "./deploy-start.js";

/** The fields of GitHub's `workflow_run` payload gantry reads; the rest is ignored. */
const workflowRunPayloadSchema = z.object({
  action: z.string().min(1, "is empty"),
  workflow_run: z.object({
    name: z.string().nullish(),
    head_branch: z.string().nullish(),
    head_sha: z.string(),
    conclusion: z.string().nullish(),
    event: z.string().nullish(),
    head_repository: z.object({ full_name: z.string().nullish() }).nullish(),
    actor: z.object({ login: z.string().nullish() }).nullish(),
  }),
  /** The workflow itself: its `name:` line, which `trigger.workflowRun` names. */
  workflow: z.object({ name: z.string().nullish() }).nullish(),
  repository: z.object({ full_name: z.string().min(1, "is empty") }),
  sender: z.object({ login: z.string().nullish() }).nullish(),
});

/** Runs for pull requests build the pull request's head, which is not what the branch holds. */
const PULL_REQUEST_EVENTS = new Set(["pull_request", "pull_request_target", "pull_request_review", "pull_request_review_comment"]);

/**
 * Decides what one `workflow_run` delivery does: a deploy starts only when the workflow an
 * environment waits for (`trigger: { workflowRun }`) completed successfully on that
 * environment's branch, for a commit of the repository itself, so the release it built exists.
 */
export function decideWorkflowRun(payload: Record<string, unknown>, context: DeliveryContext): DeliveryDecision {
  const parsed = workflowRunPayloadSchema.safeParse(payload);
  if (!parsed.success)
    return { kind: "invalid", problem: `The workflow_run payload is not one GitHub sends: ${describeIssues(payload, parsed.error.issues).join("; ")}.` };
  const { action, workflow_run: run, workflow, repository: repo, sender } = parsed.data;
  const repository = repo.full_name;
  const name = workflow?.name || run.name || "(unnamed)";
  if (action !== "completed") return { kind: "ignored", reason: `Workflow "${name}" is ${action}; gantry deploys once a run has completed.` };
  const branch = run.head_branch;
  if (!branch) return { kind: "ignored", reason: `The run of workflow "${name}" in ${repository} is on no branch; gantry deploys branches.` };
  const target = environmentForPush(context.config, repository, branch);
  if (!target) return { kind: "ignored", reason: unconfiguredReason(context.config, repository, branch) };
  const { trigger } = target.environment;
  if (trigger === "push")
    return {
      kind: "ignored",
      reason: `${target.app}/${target.env} deploys on push (trigger "push"), so workflow runs start nothing; set trigger: { workflowRun: "${name}" } to deploy when that workflow succeeds.`,
    };
  if (name !== trigger.workflowRun)
    return { kind: "ignored", reason: `Workflow "${name}" is not the one ${target.app}/${target.env} deploys after ("${trigger.workflowRun}").` };
  if (run.conclusion !== "success")
    return {
      kind: "ignored",
      reason: `Workflow "${name}" on ${branch} of ${repository} concluded ${run.conclusion ?? "nothing"}; gantry deploys only after a successful run.`,
    };
  const head = run.head_repository?.full_name;
  if (head && head.toLowerCase() !== repository.toLowerCase())
    return {
      kind: "ignored",
      reason: `The run of workflow "${name}" built a commit of ${head}, not of ${repository}; gantry deploys only the repository's own commits.`,
    };
  if (run.event && PULL_REQUEST_EVENTS.has(run.event))
    return { kind: "ignored", reason: `The run of workflow "${name}" was for a ${run.event} event; gantry deploys runs of ${branch} itself.` };
  if (!isFullCommit(run.head_sha)) return { kind: "invalid", problem: `workflow_run.head_sha: ${JSON.stringify(run.head_sha)} is not a commit sha.` };
  const actor = run.actor?.login || sender?.login || undefined;
  return deployOfCommit(context, target, { sha: run.head_sha, ref: `refs/heads/${branch}`, actor });
}
