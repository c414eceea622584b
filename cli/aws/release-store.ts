import { stackOutput } from "../../functions/aws/executions/stack.js";
import { createRuntime, provideRuntime } from "../../functions/aws/runtime.js";
import type { GantryConfig } from "../../functions/core/config/config.js";
import type { AwsFlags } from "../flags.js";
import { configuredRegion, connect, type AwsTarget } from "./target.js";

/**
 * Provides the runtime the release store and the app environment are reached through: the
 * CLI's clients, on the stack's release bucket (its output ReleaseBucketName).
 */
export async function openReleaseStore(flags: AwsFlags, config: GantryConfig | undefined, app: string, env: string): Promise<AwsTarget> {
  const target = await connect(flags, configuredRegion(config, app, env));
  provideRuntime(createRuntime({ settings: target.settings, env: { releaseBucket: stackOutput(target.stack, "releaseBucketName") } }));
  return target;
}
