import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import type { ApprovalCheckpoint } from "../../core/rollout/approvals.js";
import { appEnvKey, documents, gantryTableName } from "../dynamo-client.js";
import { runtime } from "../runtime.js";

/** A checkpoint waiting for its answer, as the table keeps it: `<app>#<env>` / `approval#<execution>`. */
export interface PendingApproval {
  execution: string;
  /** The task token Step Functions gave "Wait for approval": SendTaskSuccess or SendTaskFailure answers it. */
  taskToken: string;
  checkpoint: ApprovalCheckpoint;
  release: string;
  label?: string;
}

function approvalKey(app: string, env: string, execution: string) {
  return { pk: appEnvKey(app, env), sk: `approval#${execution}` };
}

/** Keeps the checkpoint's token where `gantry approve <execution>` finds it; the newest checkpoint of an execution replaces the last. */
export async function savePendingApproval(app: string, env: string, pending: PendingApproval): Promise<void> {
  await documents().send(new PutCommand({ TableName: gantryTableName(), Item: { ...approvalKey(app, env, pending.execution), ...pending } }));
}

export async function readPendingApproval(app: string, env: string, execution: string): Promise<PendingApproval | undefined> {
  const answer = await documents().send(new GetCommand({ TableName: gantryTableName(), Key: approvalKey(app, env, execution), ConsistentRead: true }));
  if (!answer.Item) return undefined;
  const pending: Record<string, unknown> = { ...answer.Item };
  delete pending.pk;
  delete pending.sk;
  return pending as unknown as PendingApproval;
}

/** Tells the alerts topic, when the stack has one (local mode has none). False when there is no topic. */
export async function announce(subject: string, message: string): Promise<boolean> {
  const topicArn = runtime().env.alertsTopicArn;
  if (!topicArn) return false;
  await runtime()
    .client(SNSClient)
    .send(new PublishCommand({ TopicArn: topicArn, Subject: subject, Message: message }));
  return true;
}
