import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import type { MiddlewareObj } from "@middy/core";
import type { Context } from "aws-lambda";
import { hasRuntime, provideRuntime, runtime, type Runtime } from "../aws/runtime.js";

/**
 * The container's runtime, unless one was provided (local mode, tests): built from the
 * environment, its clients traced by X-Ray. The tracer is imported only here, on a Lambda's
 * first invocation, so local mode and the CLI never load it.
 */
export async function lambdaRuntime(): Promise<Runtime> {
  if (!hasRuntime()) {
    const { tracedRuntimeFromEnvironment } = await import("./tracing.js");
    provideRuntime(tracedRuntimeFromEnvironment());
  }
  return runtime();
}

const contextHooks = new WeakMap<Runtime, MiddlewareObj>();

/**
 * Powertools' injectLambdaContext on the runtime's logger (request id, function, cold start in
 * every line; keys reset after each run). The logger belongs to the runtime, which exists only
 * once the first invocation built it, so the middleware is made per runtime.
 */
export function requestContext<E, R>(): MiddlewareObj<E, R, Error, Context> {
  const hooks = (current: Runtime) => {
    let made = contextHooks.get(current);
    if (!made) {
      made = injectLambdaContext(current.logger, { resetKeys: true }) as MiddlewareObj;
      contextHooks.set(current, made);
    }
    return made as MiddlewareObj<E, R, Error, Context>;
  };
  return {
    before: async (request) => hooks(await lambdaRuntime()).before?.(request),
    after: (request) => hooks(runtime()).after?.(request),
    onError: (request) => (hasRuntime() ? hooks(runtime()).onError?.(request) : undefined),
  };
}
