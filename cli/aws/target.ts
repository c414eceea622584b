import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { CloudFormationClient } from "@aws-sdk/client-cloudformation";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { SFNClient } from "@aws-sdk/client-sfn";
import type { ClientSettings } from "../../functions/aws/clients.js";
import { createRuntime, provideRuntime } from "../../functions/aws/runtime.js";
import { readGantryStack, stackOutput, type GantryStack } from "../../functions/aws/executions/stack.js";
import { loadConfigFile } from "../../functions/config/load.js";
import type { GantryConfig } from "../../functions/core/config/config.js";
import { DEFAULT_CONFIG, type AwsFlags } from "../flags.js";

/** The deployed stack and the clients that reach it. */
export interface AwsTarget {
  clients: { cloudFormation: CloudFormationClient; stepFunctions: SFNClient; dynamoDb: DynamoDBClient };
  /** Where the clients reach: the release history's runtime is made with the same. */
  settings: ClientSettings;
  stack: GantryStack;
}

/**
 * The configuration when there is one: `deploy` and `rollback` need it (group, strategy, gates),
 * the others use it for the region and to tell apart app/envs whose names share a prefix.
 */
export async function configFor(flags: AwsFlags, required: boolean): Promise<GantryConfig | undefined> {
  if (!required && flags.config === DEFAULT_CONFIG && !existsSync(resolve(flags.config))) return undefined;
  return loadConfigFile(flags.config);
}

/** The region an app/env is configured in, the fallback after --region and AWS_REGION. */
export function configuredRegion(config: GantryConfig | undefined, app?: string, env?: string): string | undefined {
  if (!config || !app || !env) return undefined;
  return config.apps[app]?.environments[env]?.region;
}

/**
 * Finds the stack: --region, then AWS_REGION, then `fallbackRegion`; when none is known the
 * SDK's own chain decides (the profile's region). The profile is --profile, or the SDK's
 * AWS_PROFILE and default chain.
 */
export async function connect(flags: AwsFlags, fallbackRegion?: string): Promise<AwsTarget> {
  const region = flags.region ?? process.env.AWS_REGION ?? fallbackRegion;
  const settings: ClientSettings = { ...(region ? { region } : {}), ...(flags.profile ? { profile: flags.profile } : {}) };
  const aws = createRuntime({ settings });
  const clients = { cloudFormation: aws.client(CloudFormationClient), stepFunctions: aws.client(SFNClient), dynamoDb: aws.client(DynamoDBClient) };
  return { clients, settings, stack: await readGantryStack(clients.cloudFormation, flags.stack) };
}

export function deployStateMachine(target: AwsTarget): string {
  return stackOutput(target.stack, "deployStateMachineArn");
}

/** Provides the runtime the release history reads through: the CLI's clients, on the stack's table. */
export function openStackReleaseHistory(target: AwsTarget): void {
  provideRuntime(createRuntime({ settings: target.settings, env: { tableName: stackOutput(target.stack, "tableName") } }));
}
