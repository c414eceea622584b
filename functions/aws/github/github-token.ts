import { GetParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import type { ReportFailure } from "../../core/github/report-problem.js";
import { ANSWER_FAST } from "../clients.js";
import { runtime, type Runtime } from "../runtime.js";

/** A token, or what kept gantry from reading one. */
export type TokenReading = { token: string } | { failure: ReportFailure };

/**
 * Tokens by parameter, read once per runtime (so once per warm container): a deploy reports
 * twice, and SSM on every report would cost a call and its latency each time. A failed read is
 * not kept, so a token put in later is found by the next deploy.
 */
const cache = new WeakMap<Runtime, Map<string, Promise<TokenReading>>>();

/**
 * The GitHub token in the SecureString `parameter`, decrypted: `GANTRY_GITHUB_TOKEN` instead,
 * when set (local mode and tests; on AWS the token lives in SSM only). Never throws.
 */
export function githubToken(parameter: string): Promise<TokenReading> {
  const current = runtime();
  let readings = cache.get(current);
  if (!readings) cache.set(current, (readings = new Map()));
  const known = readings.get(parameter);
  if (known) return known;
  const reading = readToken(current, parameter);
  readings.set(parameter, reading);
  void reading.then((result) => {
    if ("failure" in result) readings.delete(parameter);
  });
  return reading;
}

async function readToken({ env, client }: Runtime, parameter: string): Promise<TokenReading> {
  if (env.githubToken) return { token: env.githubToken };
  try {
    const output = await client(SSMClient, ANSWER_FAST).send(new GetParameterCommand({ Name: parameter, WithDecryption: true }));
    const token = output.Parameter?.Value;
    return token ? { token } : { failure: { kind: "no-token", parameter } };
  } catch (error) {
    const name = error instanceof Error ? error.name : "Error";
    if (name === "ParameterNotFound") return { failure: { kind: "no-token", parameter } };
    return { failure: { kind: "token-unreadable", parameter, reason: error instanceof Error ? `${name}: ${error.message}` : String(error) } };
  }
}
