import type { OperatorRequest, OperatorRequestStore } from "../../functions/core/operator/requests.js";

/** Operator requests kept in memory and filed at once, so a test files one at an exact point of a run. */
export function memoryRequests() {
  const requests = new Map<string, OperatorRequest>();
  const key = (app: string, env: string, execution: string) => `${app}/${env}/${execution}`;
  const store: OperatorRequestStore = {
    put: async (app, env, request) => void requests.set(key(app, env, request.execution), request),
    read: async (app, env, execution) => requests.get(key(app, env, execution)),
  };
  return { store, file: (app: string, env: string, request: OperatorRequest) => requests.set(key(app, env, request.execution), request) };
}
