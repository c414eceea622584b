import { reportDeploy } from "../aws/github/report-deploy.js";
import { deployStep } from "../wiring/step.js";

/**
 * "Report deploy started" and "Report deploy outcome": the deploy as a GitHub Deployment, in
 * progress and then succeeded or failed. Reporting never fails the step (see reportDeploy).
 */
export const handler = deployStep("report-github", reportDeploy);
