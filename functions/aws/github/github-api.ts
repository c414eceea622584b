import { Octokit } from "@octokit/core";
import type { DeploymentRequest, StatusRequest } from "../../core/github/deployment-report.js";
import type { ReportFailure } from "../../core/github/report-problem.js";
import { runtime } from "../runtime.js";

/** A failure to reach GitHub, as facts for the report's one line (see core/github/report-problem.ts). */
export class GitHubCallFailed extends Error {
  constructor(readonly failure: ReportFailure) {
    super(failure.kind);
    this.name = "GitHubCallFailed";
  }
}

/** The GitHub REST calls a deploy's report makes, with one token and one time budget. */
export interface GitHubApi {
  /** The deployment this execution made, found again by its payload, else a new one: a retried step makes no second deployment. */
  deploymentFor(request: DeploymentRequest): Promise<number>;
  postStatus(owner: string, repo: string, deploymentId: number, status: StatusRequest): Promise<void>;
}

/**
 * octokit's client for one report; it adds GitHub's media type, API version header and user
 * agent. All the report's calls share `timeoutSeconds` (github.timeoutSeconds): a deploy waits
 * for its report, so a slow GitHub may cost it seconds, never the minutes of fetch's own timeouts.
 */
export function gitHubApi(token: string, apiUrl: string, timeoutSeconds: number): GitHubApi {
  const { logger } = runtime();
  const octokit = new Octokit({
    auth: token,
    baseUrl: apiUrl,
    userAgent: "gantry",
    // octokit's own notes (deprecations) go to the structured log; it never logs the token.
    log: { debug: () => undefined, info: () => undefined, warn: (message: string) => logger.warn(message), error: (message: string) => logger.error(message) },
  });
  const signal = AbortSignal.timeout(timeoutSeconds * 1000);
  const call = async <T>(what: string, send: () => Promise<T>): Promise<T> => {
    try {
      return await send();
    } catch (error) {
      throw new GitHubCallFailed(failureOf(error, what, apiUrl, signal, timeoutSeconds));
    }
  };
  return {
    deploymentFor: async ({ owner, repo, ...request }) => {
      const listed = await call(`GET /repos/${owner}/${repo}/deployments`, () =>
        octokit.request("GET /repos/{owner}/{repo}/deployments", {
          owner,
          repo,
          ...(/^[0-9a-f]{40,64}$/.test(request.ref) ? { sha: request.ref } : { ref: request.ref }),
          environment: request.environment,
          per_page: 30,
          request: { signal },
        }),
      );
      const mine = listed.data.find((deployment) => executionOf(deployment.payload) === request.payload.execution);
      if (mine) return Number(mine.id);
      const created = await call(`POST /repos/${owner}/${repo}/deployments`, () =>
        octokit.request("POST /repos/{owner}/{repo}/deployments", { owner, repo, ...request, request: { signal } }),
      );
      if (!("id" in created.data))
        throw new GitHubCallFailed({
          kind: "http",
          status: created.status,
          request: `POST /repos/${owner}/${repo}/deployments`,
          message: created.data.message ?? "no deployment made",
        });
      return Number(created.data.id);
    },
    postStatus: async (owner, repo, deploymentId, status) => {
      await call(`POST /repos/${owner}/${repo}/deployments/${deploymentId}/statuses`, () =>
        octokit.request("POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses", {
          owner,
          repo,
          deployment_id: deploymentId,
          ...status,
          request: { signal },
        }),
      );
    },
  };
}

function executionOf(payload: unknown): unknown {
  return payload !== null && typeof payload === "object" ? (payload as { execution?: unknown }).execution : undefined;
}

/**
 * What a failed call says. octokit throws its RequestError with the HTTP status and GitHub's
 * message, and reports a fetch that never got an answer as status 500 without a response.
 */
function failureOf(error: unknown, request: string, apiUrl: string, signal: AbortSignal, seconds: number): ReportFailure {
  if (signal.aborted) return { kind: "timeout", seconds, request };
  const failed = error as { status?: unknown; response?: { data?: unknown }; message?: unknown; cause?: unknown };
  if (typeof failed.status === "number" && failed.response) {
    const data = failed.response.data as { message?: unknown } | undefined;
    const message = typeof data?.message === "string" ? data.message : typeof failed.message === "string" ? failed.message : "no message";
    return { kind: "http", status: failed.status, request, message: message.split("\n")[0] ?? message };
  }
  const cause = failed.cause as { code?: unknown; message?: unknown } | undefined;
  const reason = typeof cause?.code === "string" ? cause.code : typeof failed.message === "string" ? failed.message : String(error);
  return { kind: "network", apiUrl, reason };
}
