import { GetParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { AwsThrottledError, AwsTransientError, type GantryError } from "../core/errors.js";
import { ANSWER_FAST } from "./clients.js";
import { classifyAwsError } from "./errors.js";
import type { GantryEnvironment } from "./environment.js";
import { runtime, type Runtime } from "./runtime.js";

/** One secret an HTTP function checks requests with: where it is, and how to say it is missing. */
export interface SecureStringSource {
  /** How messages name it: "the webhook secret". */
  what: string;
  /** Who reads it, for the permission hint: "the webhook". */
  reader: string;
  /** The value itself, when the environment gives it (local mode). */
  direct: (env: GantryEnvironment) => string | undefined;
  /** The SecureString parameter holding it. */
  parameter: (env: GantryEnvironment) => string | undefined;
  /** Neither is set: the message says which variables to set. */
  notConfigured: () => GantryError;
  /** Read but unusable (no value, no access): a fault to fix, not to retry. */
  unavailable: (message: string, options?: { cause?: unknown }) => GantryError;
  /** What to put in the parameter when it is empty: "the webhook's secret". */
  content: string;
}

/**
 * A reader of one SecureString, read once per runtime, so once per warm container: SSM on
 * every request would add latency against the caller's deadline (GitHub's 10 s, Slack's 3 s)
 * and cost a call each. A failed read is not cached, so the next request tries again.
 */
export function secureStringReader(source: SecureStringSource): () => Promise<string> {
  const cache = new WeakMap<Runtime, Promise<string>>();
  return () => {
    const current = runtime();
    let reading = cache.get(current);
    if (!reading) {
      const started = readSecureString(current, source);
      reading = started;
      cache.set(current, started);
      started.catch(() => {
        if (cache.get(current) === started) cache.delete(current);
      });
    }
    return reading;
  };
}

async function readSecureString({ env, client }: Runtime, source: SecureStringSource): Promise<string> {
  const direct = source.direct(env);
  if (direct) return direct;
  const name = source.parameter(env);
  if (!name) throw source.notConfigured();
  let value: string | undefined;
  try {
    const output = await client(SSMClient, ANSWER_FAST).send(new GetParameterCommand({ Name: name, WithDecryption: true }));
    value = output.Parameter?.Value;
  } catch (error) {
    throw readFailure(source, name, error);
  }
  if (!value) throw source.unavailable(`SSM parameter ${name} has no value; put ${source.content} in it.`);
  return value;
}

/** Throttling and outages stay retryable; anything else needs fixing. */
function readFailure(source: SecureStringSource, name: string, error: unknown): GantryError {
  const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  const classified = classifyAwsError(error);
  if (classified instanceof AwsThrottledError) return new AwsThrottledError(`SSM throttled reading ${source.what} from ${name} (${reason}).`, { cause: error });
  if (classified instanceof AwsTransientError) return new AwsTransientError(`SSM failed reading ${source.what} from ${name} (${reason}).`, { cause: error });
  return source.unavailable(
    `Could not read ${source.what} from SSM parameter ${name} (${reason}); check that it exists and that ${source.reader} may call ssm:GetParameter and kms:Decrypt on it.`,
    { cause: error },
  );
}
