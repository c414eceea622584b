import { LocalCloudSetupError } from "./errors.js";
import type { LocalCloud } from "./index.js";

/** Fixed, so attaching again replaces the middleware instead of stacking a second one. */
export const LOCAL_CLOUD_MIDDLEWARE = "gantryLocalCloud";

interface MiddlewareContext {
  clientName?: string;
  commandName?: string;
}

/**
 * `output` is typed `never` so one middleware fits every client's own output union; what the
 * cloud returns is the command's output shape, which the tests check through real clients.
 */
type LocalCloudMiddleware = (next: unknown, context: MiddlewareContext) => (args: { input: object }) => Promise<{ output: never; response: object }>;

/**
 * The part of an SDK v3 client the local cloud needs: AutoScalingClient, EC2Client,
 * ElasticLoadBalancingV2Client and CloudWatchClient all fit.
 */
export interface LocalCloudClient {
  middlewareStack: {
    add(middleware: LocalCloudMiddleware, options: { step: "initialize"; priority: "high"; name: string; override: boolean }): void;
  };
}

let active: LocalCloud | undefined;

/** Makes `cloud` the one clients attached without an explicit cloud answer from. */
export function setActiveCloud(cloud: LocalCloud | undefined): void {
  active = cloud;
}

/** The cloud set by `setActiveCloud`; fails loudly if none is, rather than reaching AWS. */
export function activeCloud(): LocalCloud {
  if (active === undefined) {
    throw new LocalCloudSetupError("No local cloud is active: call setActiveCloud(new LocalCloud(...)) before using a client in local mode.");
  }
  return active;
}

/**
 * Answers every command `client` sends from a local cloud, with no HTTP: the middleware runs
 * first in the initialize step and never calls the rest of the stack. `cloud` is read on every
 * command, so module-scope clients follow `setActiveCloud` when a test swaps clouds; pass a
 * LocalCloud to pin one. Because the SDK's retry step never runs, an injected Throttling error
 * reaches the caller at once, as if the SDK had given up retrying.
 */
export function attachLocalCloud<C extends LocalCloudClient>(client: C, cloud: LocalCloud | (() => LocalCloud) = activeCloud): C {
  client.middlewareStack.add(
    (_next, context) => async (args) => {
      const current = typeof cloud === "function" ? cloud() : cloud;
      const output = await current.answer(context.clientName ?? "", context.commandName ?? "", args.input);
      return { output: output as never, response: {} };
    },
    { step: "initialize", priority: "high", name: LOCAL_CLOUD_MIDDLEWARE, override: true },
  );
  return client;
}
