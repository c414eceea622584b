import * as z from "zod";

/** Where the GitHub token lives unless `github.tokenParameter` says otherwise. */
export const DEFAULT_GITHUB_TOKEN_PARAMETER = "/gantry/github-token";
export const DEFAULT_GITHUB_API_URL = "https://api.github.com";
/** Stands for the environment's name in `github.environmentUrl`. */
export const ENV_PLACEHOLDER = "{env}";

/**
 * What starts a deploy of an environment's branch. `"push"`: the push itself. `{ workflowRun:
 * "<name>" }`: the named GitHub Actions workflow completing successfully on that branch (the
 * `workflow_run` event), so the deploy starts once CI has built and published the release.
 */
export const triggerSchema = z
  .union([z.literal("push"), z.strictObject({ workflowRun: z.string().trim().min(1, 'is empty: give the workflow\'s name, as its "name:" line says') })], {
    error: 'is not "push" or { workflowRun: "<workflow name>" }',
  })
  .default("push");

export type Trigger = z.output<typeof triggerSchema>;

const httpUrl = (what: string) =>
  z.string().refine((text) => {
    try {
      const url = new URL(text.replaceAll(ENV_PLACEHOLDER, "env"));
      return url.protocol === "https:" || url.protocol === "http:";
    } catch {
      return false;
    }
  }, `is not an http(s) URL such as ${what}`);

/**
 * A GitHub Deployment for every deploy of the app, with statuses in_progress, then success or
 * failure, through GitHub's REST API. Reporting never fails or delays a deploy.
 */
export const githubSchema = z.strictObject({
  deployments: z.boolean(),
  /** The SSM SecureString holding a token allowed `deployments: write` on the repository. */
  tokenParameter: z
    .string()
    .regex(/^\/[A-Za-z0-9_.\/-]+$/, 'is not an SSM parameter name starting with "/", such as "/gantry/github-token"')
    .default(DEFAULT_GITHUB_TOKEN_PARAMETER),
  /** The URL each deployment links to; `{env}` is replaced by the environment's name. */
  environmentUrl: httpUrl('"https://{env}.hello.example.com"').optional(),
  /** GitHub's REST API root; GitHub Enterprise Server's is `https://<host>/api/v3`. */
  apiUrl: httpUrl('"https://github.example.com/api/v3"')
    .transform((text) => text.replace(/\/+$/, ""))
    .default(DEFAULT_GITHUB_API_URL),
  /** How long one report may wait for GitHub, all its calls together: a deploy waits at most this. */
  timeoutSeconds: z.number().min(0.1, "is below 0.1").max(10, "is above 10: a slow GitHub must not hold up a deploy").default(5),
});

export type GitHubSettings = z.output<typeof githubSchema>;

/** The environment URL of one environment, if the app has one. */
export function environmentUrlFor(settings: GitHubSettings, env: string): string | undefined {
  return settings.environmentUrl?.replaceAll(ENV_PLACEHOLDER, env);
}
