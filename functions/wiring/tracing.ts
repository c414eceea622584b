import { Tracer } from "@aws-lambda-powertools/tracer";
import { runtimeFromEnvironment, type Runtime } from "../aws/runtime.js";

/**
 * The Lambda runtime with every SDK call traced as an X-Ray subsegment (the functions run with
 * active tracing), each client captured as the runtime makes it. Outside Lambda, Powertools
 * leaves the clients as they are. The document client shares the DynamoDB client's middleware
 * stack, so its calls are traced too.
 */
export function tracedRuntimeFromEnvironment(): Runtime {
  const tracer = new Tracer({ serviceName: "gantry" });
  return runtimeFromEnvironment(process.env, {
    onClient: (client) => {
      tracer.captureAWSv3Client(client as Parameters<Tracer["captureAWSv3Client"]>[0]);
    },
  });
}
