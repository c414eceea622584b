import { deployInputFor, type GantryConfig } from "../config/config.js";
import type { DeployInputRaw } from "../config/input.js";
import { executionName } from "../executions/naming.js";
import { releaseIdOf } from "../releases/release-id.js";

/** What a delivery means for gantry: start one deploy, ignore it (and why), or reject the payload. */
export type DeliveryDecision =
  { kind: "start"; app: string; env: string; name: string; input: DeployInputRaw } | { kind: "ignored"; reason: string } | { kind: "invalid"; problem: string };

/** Where a delivery came from, beside its payload. */
export interface DeliveryContext {
  config: GantryConfig;
  /** `X-GitHub-Delivery`: the same on a redelivery, so it names the execution. */
  delivery: string | undefined;
  /** When the webhook received the delivery (epoch ms), so a later lock can order deploys. */
  receivedAt: number;
}

const DELIVERY_SUFFIX_LENGTH = 8;

/**
 * The deploy of one commit to one app/env, named after the delivery: a redelivery keeps
 * `X-GitHub-Delivery`, so it asks for the same execution name and Step Functions starts nothing new.
 */
export function deployOfCommit(
  context: DeliveryContext,
  target: { app: string; env: string },
  commit: { sha: string; ref: string; actor?: string | undefined },
): DeliveryDecision {
  const delivery = context.delivery ?? "";
  const suffix = delivery.replace(/[^A-Za-z0-9]/g, "").slice(0, DELIVERY_SUFFIX_LENGTH);
  if (!suffix)
    return {
      kind: "invalid",
      problem: "The X-GitHub-Delivery header is missing or has no letters or digits; gantry names the deploy after it so a redelivery starts nothing new.",
    };
  const sha = commit.sha.toLowerCase();
  const release = releaseIdOf(sha);
  const trigger = { source: "github", deliveryId: delivery, ...(commit.actor ? { actor: commit.actor } : {}), receivedAt: context.receivedAt };
  const input = deployInputFor(context.config, target.app, target.env, { id: release, ref: commit.ref, commit: sha }, trigger);
  return { kind: "start", app: target.app, env: target.env, name: executionName(target.app, target.env, release, suffix), input };
}

/** Why a repository and branch deploy nothing, naming what the configuration does deploy from it. */
export function unconfiguredReason(config: GantryConfig, repository: string, branch: string): string {
  const apps = Object.values(config.apps).filter((app) => app.repository.toLowerCase() === repository.toLowerCase());
  if (apps.length === 0) return `Repository ${repository} is not in gantry's configuration; nothing deploys from it.`;
  const branches = apps.flatMap((app) => Object.entries(app.environments).map(([env, environment]) => `${environment.branch} → ${env}`));
  return `Branch ${branch} of ${repository} deploys no environment (configured: ${branches.join(", ")}).`;
}
