import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { UnfinishedRollout } from "../../core/rollout/unfinished.js";
import { appEnvKey, documents, gantryTableName, isConditionFailed } from "../dynamo-client.js";

/** The app/env's unfinished rollout: one item beside the lock, `<app>#<env>` / `rollout`. */
function rolloutKey(app: string, env: string) {
  return { pk: appEnvKey(app, env), sk: "rollout" };
}

/**
 * Records that `record.execution` is about to change the group. Written before the first change
 * and safe to repeat (a retried "Prepare group" writes the same record). A record another
 * execution left is never overwritten: that rollout is still unfinished, and only a recovery ends
 * it. False when such a record is in the way.
 */
export async function saveUnfinishedRollout(app: string, env: string, record: UnfinishedRollout): Promise<boolean> {
  try {
    await documents().send(
      new PutCommand({
        TableName: gantryTableName(),
        Item: { ...rolloutKey(app, env), ...record },
        ConditionExpression: "attribute_not_exists(pk) OR #execution = :me",
        ExpressionAttributeNames: { "#execution": "execution" },
        ExpressionAttributeValues: { ":me": record.execution },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailed(error)) return false;
    throw error;
  }
}

/** The unfinished rollout of app/env, if one is recorded. */
export async function readUnfinishedRollout(app: string, env: string): Promise<UnfinishedRollout | undefined> {
  const answer = await documents().send(new GetCommand({ TableName: gantryTableName(), Key: rolloutKey(app, env), ConsistentRead: true }));
  if (!answer.Item) return undefined;
  const record: Record<string, unknown> = { ...answer.Item };
  delete record.pk;
  delete record.sk;
  return record as unknown as UnfinishedRollout;
}

/**
 * Sets which way a recovery of `execution`'s rollout would go: "finish" once every batch has
 * passed, "rollout" again once its rollback has begun (a rollback requested in the window after
 * success must not be finished forward). Changes nothing for another execution's record.
 */
export async function markRolloutStage(app: string, env: string, execution: string, stage: UnfinishedRollout["stage"]): Promise<void> {
  await conditional(
    new UpdateCommand({
      TableName: gantryTableName(),
      Key: rolloutKey(app, env),
      UpdateExpression: "SET #stage = :stage",
      ConditionExpression: "#execution = :me",
      ExpressionAttributeNames: { "#stage": "stage", "#execution": "execution" },
      ExpressionAttributeValues: { ":stage": stage, ":me": execution },
    }),
  );
}

/** Removes `execution`'s record once its group is whole; another execution's record stays. True when removed. */
export async function clearUnfinishedRollout(app: string, env: string, execution: string): Promise<boolean> {
  return conditional(
    new DeleteCommand({
      TableName: gantryTableName(),
      Key: rolloutKey(app, env),
      ConditionExpression: "#execution = :me",
      ExpressionAttributeNames: { "#execution": "execution" },
      ExpressionAttributeValues: { ":me": execution },
    }),
  );
}

async function conditional(command: UpdateCommand | DeleteCommand): Promise<boolean> {
  try {
    await documents().send(command as UpdateCommand);
    return true;
  } catch (error) {
    if (isConditionFailed(error)) return false;
    throw error;
  }
}
