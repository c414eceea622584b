import { Tracer } from "@aws-lambda-powertools/tracer";
import { runtimeFromEnvironment, type Runtime } from "../aws/runtime.js";

/**
 * The Lambda runtime with every SDK call traced as an X-Ray subsegment (the functions run with
 * active tracing). Outside Lambda, Powertools leaves the clients as they are. The document
 * client shares the DynamoDB client's middleware stack, so tracing that one covers both.
 */
export function tracedRuntimeFromEnvironment(): Runtime {
  const built = runtimeFromEnvironment();
  const tracer = new Tracer({ serviceName: "gantry" });
  const { documents: _shared, ...clients } = built.clients;
  for (const client of Object.values(clients)) tracer.captureAWSv3Client(client);
  return built;
}
