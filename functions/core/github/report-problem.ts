/** What went wrong reaching GitHub, as plain facts the adapter read off the failure. */
export type ReportFailure =
  | { kind: "no-token"; parameter: string }
  | { kind: "token-unreadable"; parameter: string; reason: string }
  | { kind: "http"; status: number; request: string; message: string }
  | { kind: "timeout"; seconds: number; request: string }
  | { kind: "network"; apiUrl: string; reason: string };

/** Where the report was going, for the words of its failure. */
export interface ReportTarget {
  repository: string;
  tokenParameter: string;
}

const NOT_FAILED = "the deploy goes on without it";

/**
 * One line saying why the GitHub report failed and what fixes it, naming the token's parameter
 * or the permission it lacks (`deployments: write`). It never contains the token.
 */
export function reportProblem(failure: ReportFailure, target: ReportTarget): string {
  const prefix = `GitHub deployment status for ${target.repository} not reported`;
  switch (failure.kind) {
    case "no-token":
      return `${prefix}: SSM parameter ${failure.parameter} does not exist or is empty; put a GitHub token allowed deployments: write on ${target.repository} in it as a SecureString (${NOT_FAILED}).`;
    case "token-unreadable":
      return `${prefix}: could not read SSM parameter ${failure.parameter} (${failure.reason}); the reporting function needs ssm:GetParameter on it and kms:Decrypt of its key (${NOT_FAILED}).`;
    case "http":
      return `${prefix}: ${failure.request} answered ${failure.status} (${failure.message}); ${httpFix(failure.status, target)} (${NOT_FAILED}).`;
    case "timeout":
      return `${prefix}: ${failure.request} did not answer within ${failure.seconds} s (${NOT_FAILED}).`;
    case "network":
      return `${prefix}: could not reach ${failure.apiUrl} (${failure.reason}); check github.apiUrl and the function's route to it (${NOT_FAILED}).`;
  }
}

function httpFix(status: number, target: ReportTarget): string {
  if (status === 401) return `the token in ${target.tokenParameter} is not valid: put a current one in it`;
  if (status === 403) return `the token in ${target.tokenParameter} lacks deployments: write on ${target.repository}: grant it that permission`;
  if (status === 404)
    return `${target.repository} does not exist or the token in ${target.tokenParameter} cannot see it: check apps.<app>.repository and the token's repository access`;
  if (status === 422) return "GitHub does not know the commit: push it to the repository before deploying it";
  if (status === 429) return "GitHub's rate limit for the token is spent";
  if (status >= 500) return "GitHub failed";
  return "GitHub refused the request";
}
