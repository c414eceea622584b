import { deploymentRequestFor, statusFor, type DeployToReport, type GitHubReport } from "../../core/github/deployment-report.js";
import { reportProblem } from "../../core/github/report-problem.js";
import type { DeployState } from "../../wiring/deploy-state.js";
import { runtime } from "../runtime.js";
import { GitHubCallFailed, gitHubApi } from "./github-api.js";
import { githubToken } from "./github-token.js";

/**
 * Reports a deploy to GitHub: before it has an outcome, a new deployment marked in_progress;
 * once it has one, success or failure (with gantry's cause) on that deployment. Never throws:
 * a report that cannot be made is a line in the log and in `$.github`, and the deploy goes on.
 */
export async function reportDeploy(state: DeployState): Promise<GitHubReport & { summary: string }> {
  const { input, outcome } = state;
  const app = runtime().config().apps[input.app];
  const settings = app?.github;
  const done = (report: GitHubReport) => ({ ...report, summary: report.message });
  if (!app || !settings?.deployments || !input.release)
    return done({ reported: false, message: `apps.${input.app}.github.deployments is not on: nothing reported to GitHub` });
  const deploy: DeployToReport = {
    app: input.app,
    env: input.env,
    repository: app.repository,
    release: input.release,
    execution: state.execution?.name ?? "unnamed",
    label: state.lock?.label,
  };
  const target = { repository: app.repository, tokenParameter: settings.tokenParameter };
  const failed = (message: string): GitHubReport => {
    runtime().logger.warn("github report failed", { app: input.app, env: input.env, reason: message });
    return { reported: false, ...(state.github?.deploymentId ? { deploymentId: state.github.deploymentId } : {}), message };
  };
  const reading = await githubToken(settings.tokenParameter);
  if ("failure" in reading) return done(failed(reportProblem(reading.failure, target)));
  const api = gitHubApi(reading.token, settings.apiUrl, settings.timeoutSeconds);
  try {
    const request = deploymentRequestFor(deploy);
    const deploymentId = outcome ? state.github?.deploymentId : await api.deploymentFor(request);
    if (deploymentId === undefined)
      return done({ reported: false, message: "No GitHub deployment was made when the deploy started: nothing to report its end on" });
    const status = statusFor(deploy, settings, outcome);
    await api.postStatus(request.owner, request.repo, deploymentId, status);
    return done({
      reported: true,
      deploymentId,
      state: status.state,
      message: `GitHub deployment ${deploymentId} of ${app.repository} (${input.env}): ${status.state}`,
    });
  } catch (error) {
    if (error instanceof GitHubCallFailed) return done(failed(reportProblem(error.failure, target)));
    return done(
      failed(`GitHub deployment status for ${app.repository} not reported: ${error instanceof Error ? error.name : "Error"} (the deploy goes on without it).`),
    );
  }
}
