import type { GitHubSettings } from "../config/github-config.js";
import { environmentUrlFor } from "../config/github-config.js";

/** GitHub cuts a deployment status description at 140 characters; gantry cuts it first, visibly. */
export const STATUS_DESCRIPTION_LIMIT = 140;

export type DeploymentState = "in_progress" | "success" | "failure";

/**
 * What the GitHub report of a deploy says (`$.github`): the deployment it made, the last status
 * it posted, or, when reporting failed, why, in one line. Never the token.
 */
export interface GitHubReport {
  reported: boolean;
  deploymentId?: number;
  state?: DeploymentState;
  message: string;
}

/** The deploy as the report needs it. */
export interface DeployToReport {
  app: string;
  env: string;
  repository: string;
  release: { id: string; ref?: string | undefined; commit?: string | undefined };
  execution: string;
  /** "v42", once the deploy holds its lock. */
  label?: string | undefined;
}

/** POST /repos/{owner}/{repo}/deployments: the fields gantry sends. */
export interface DeploymentRequest {
  owner: string;
  repo: string;
  ref: string;
  environment: string;
  auto_merge: false;
  required_contexts: string[];
  description: string;
  payload: { execution: string; release: string };
}

/** POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses: the fields gantry sends. */
export interface StatusRequest {
  state: DeploymentState;
  description: string;
  environment: string;
  environment_url?: string;
}

/** How a deploy ended, as `$.outcome` says it. */
export interface EndedDeploy {
  status: string;
  cause?: string | undefined;
  summary?: string | undefined;
}

/** `octo-org/hello` → owner and repo. */
export function repositoryParts(repository: string): { owner: string; repo: string } {
  const [owner = "", repo = ""] = repository.split("/");
  return { owner, repo };
}

/**
 * The deployment for one deploy. The ref is the full commit when the deploy knows it (a branch
 * would name whatever the branch holds by then), else the release id, which GitHub reads as a
 * short sha. No required contexts and no auto-merge: CI has already decided, and GitHub must not
 * refuse or merge anything on gantry's behalf. The execution name in the payload finds the
 * deployment again when a retried step asks for it a second time.
 */
export function deploymentRequestFor(deploy: DeployToReport): DeploymentRequest {
  return {
    ...repositoryParts(deploy.repository),
    ref: deploy.release.commit ?? deploy.release.id,
    environment: deploy.env,
    auto_merge: false,
    required_contexts: [],
    description: limitDescription(`gantry deploy of ${deploy.release.id} to ${deploy.app}/${deploy.env}`),
    payload: { execution: deploy.execution, release: deploy.release.id },
  };
}

/** The status a deploy in progress, or ended, shows on GitHub: a failure carries gantry's cause. */
export function statusFor(deploy: DeployToReport, settings: GitHubSettings, ended?: EndedDeploy): StatusRequest {
  const url = environmentUrlFor(settings, deploy.env);
  const base = { environment: deploy.env, ...(url ? { environment_url: url } : {}) };
  const what = `${deploy.label ? `${deploy.label} (${deploy.release.id})` : deploy.release.id} to ${deploy.app}/${deploy.env}`;
  if (!ended) return { ...base, state: "in_progress", description: limitDescription(`Deploying ${what}`) };
  if (ended.status === "deployed" || ended.status === "no-op")
    return { ...base, state: "success", description: limitDescription(ended.summary ?? `Deployed ${what}`) };
  return { ...base, state: "failure", description: limitDescription(ended.cause ?? ended.summary ?? `Deploy of ${what} ${ended.status}`) };
}

/** One line of at most 140 characters, ending in "…" when cut. */
export function limitDescription(text: string): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length <= STATUS_DESCRIPTION_LIMIT ? line : `${line.slice(0, STATUS_DESCRIPTION_LIMIT - 1)}…`;
}
