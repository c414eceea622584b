import { GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { asOperatorRequest, type OperatorRequest, type OperatorRequestStore } from "../../core/operator/requests.js";
import { appEnvKey, documents, gantryTableName } from "../dynamo-client.js";
import { runtime } from "../runtime.js";

function requestKey(app: string, env: string, execution: string) {
  return { pk: appEnvKey(app, env), sk: `request#${execution}` };
}

/** Requests as items of the gantry table: `<app>#<env>` / `request#<execution>`. */
export const tableRequests: OperatorRequestStore = {
  async put(app, env, request) {
    await documents().send(new PutCommand({ TableName: gantryTableName(), Item: { ...requestKey(app, env, request.execution), ...request } }));
  },
  async read(app, env, execution) {
    const answer = await documents().send(new GetCommand({ TableName: gantryTableName(), Key: requestKey(app, env, execution), ConsistentRead: true }));
    return answer.Item ? asOperatorRequest(answer.Item) : undefined;
  },
};

/** The runtime's store: local commands in separate processes use files; everything else the table. */
export function operatorRequests(): OperatorRequestStore {
  return runtime().operatorRequests ?? tableRequests;
}

export function putOperatorRequest(app: string, env: string, request: OperatorRequest): Promise<void> {
  return operatorRequests().put(app, env, request);
}

export function readOperatorRequest(app: string, env: string, execution: string): Promise<OperatorRequest | undefined> {
  return operatorRequests().read(app, env, execution);
}
