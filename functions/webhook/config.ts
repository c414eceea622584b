import { parseConfig, type GantryConfig } from "../core/config.js";
import { WebhookNotConfiguredError } from "../core/errors.js";
import bundled from "../../gantry.config.js";

/**
 * The configuration the webhook routes pushes by. esbuild bundles the root `gantry.config.ts`
 * into the Lambda, so there is no file to read at run time; it is parsed on first use and kept
 * for the container's life.
 */
let config: GantryConfig | undefined;

export function webhookConfig(): GantryConfig {
  config ??= parseConfig(bundled);
  return config;
}

/** Routes pushes by another configuration (local mode loads the user's file; tests). */
export function useWebhookConfig(next: GantryConfig): void {
  config = next;
}

/** The deploy state machine pushes start, from `GANTRY_DEPLOY_STATE_MACHINE_ARN`. */
export function deployStateMachineArn(): string {
  const arn = process.env.GANTRY_DEPLOY_STATE_MACHINE_ARN;
  if (!arn) throw new WebhookNotConfiguredError("GANTRY_DEPLOY_STATE_MACHINE_ARN is not set; the webhook does not know which state machine deploys.");
  return arn;
}
