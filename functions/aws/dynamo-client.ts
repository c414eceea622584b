import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { runtime, type Runtime } from "./runtime.js";

/**
 * The gantry table, written down once: local mode creates it from this and the CDK stack
 * declares it from this. One table holds every feature's items (single-table design), keyed
 * by strings so each feature picks its own layout:
 *
 * | pk          | sk                      | item                                          |
 * |-------------|-------------------------|-----------------------------------------------|
 * | `<app>#<env>` | `lock`                  | the deploy lock (holder, lease, newest push)  |
 * | `<app>#<env>` | `release-counter`       | `last`: the newest release number handed out |
 * | `<app>#<env>` | `release#<0000000012>`  | release v12                                   |
 * | `<app>#<env>` | `execution#<name>`      | `number`: the release an execution recorded   |
 * | `<app>#<env>` | `request#<name>`        | a person's request to a running execution     |
 *
 * The values match both the DynamoDB API and the CDK enums (`AttributeType.STRING` is "S",
 * `BillingMode.PAY_PER_REQUEST` is "PAY_PER_REQUEST"), so either side reads them as they are.
 */
export const GANTRY_TABLE_DEFINITION = {
  partitionKey: { name: "pk", type: "S" },
  sortKey: { name: "sk", type: "S" },
  billingMode: "PAY_PER_REQUEST",
} as const;

/** The table name every adapter uses: the runtime's (`GANTRY_TABLE` on AWS, the stack's for the CLI). */
export function gantryTableName(): string {
  return runtime().env.tableName;
}

const views = new WeakMap<Runtime, DynamoDBDocumentClient>();

/**
 * Items as plain objects over the runtime's DynamoDB client: `from` shares that client's
 * configuration and middleware stack, so endpoint, retries and credentials stay decided in one
 * place. Optional fields left undefined are dropped rather than rejected.
 */
export function documents(): DynamoDBDocumentClient {
  const current = runtime();
  let view = views.get(current);
  if (view === undefined) {
    view = DynamoDBDocumentClient.from(current.client(DynamoDBClient), { marshallOptions: { removeUndefinedValues: true } });
    views.set(current, view);
  }
  return view;
}

/** The partition every item of one app/env lives in; app and env names never contain `#`. */
export function appEnvKey(app: string, env: string): string {
  return `${app}#${env}`;
}

/**
 * True for the error a failed ConditionExpression raises. Matched by name because the SDK
 * rebuilds service errors per client package, so `instanceof` can miss across copies.
 */
export function isConditionFailed(error: unknown): boolean {
  return error instanceof Error && error.name === "ConditionalCheckFailedException";
}

/**
 * Only the `#name` and `:value` placeholders `expressions` use: DynamoDB rejects a request
 * that defines one its expressions never mention, and each write here uses a different subset.
 */
export function placeholdersIn<T>(expressions: string, placeholders: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(placeholders).filter(([key]) => new RegExp(`${key}(?![A-Za-z0-9_])`).test(expressions)));
}

/** How many conditional writes one call may lose before giving up with ContendedWriteError. */
export const MAX_CONDITIONAL_ATTEMPTS = 50;
